import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson, demoToken, freshIp } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

beforeAll(seedDatabase);

describe('sign-in', () => {
  it('Should sign in a seeded demo account and accept its bearer token', async () => {
    const token = await demoToken('canteenPurchaser');
    const { status, body } = await callJson('/api/auth/get-session', { token });
    expect(status).toBe(200);
    expect(body.user.email).toBe('canteen@shanhai.local');
  });

  it('Should refuse a wrong password with 401', async () => {
    const res = await call('/api/auth/sign-in/email', {
      method: 'POST',
      json: { email: 'canteen@shanhai.local', password: 'not-the-password' },
      headers: { 'cf-connecting-ip': freshIp() },
    });
    expect(res.status).toBe(401);
  });
});
