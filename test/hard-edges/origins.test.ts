import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { isTrustedOrigin } from '../../src/lib/origins';
import { BASE, freshIp } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { sessionCookie } from '../helpers/accounts';
import { callWithEnv } from '../helpers/orders';

beforeAll(seedDatabase);

const DEV = { APP_URL: 'http://localhost:8787' };
const PROD = { APP_URL: 'https://shanhai.example.cn', TRUSTED_ORIGINS: 'https://ops.example.cn, not a url' };
const credentials = JSON.stringify({ email: 'buyer@shanhai.local', password: 'shanhai-demo-2026' });
const countOrganizations = async () => (await env.DB.prepare('SELECT count(*) AS n FROM organization').first<{ n: number }>())!.n;

describe('isTrustedOrigin', () => {
  it('Should trust any loopback port in development', () => {
    for (const origin of ['http://localhost:8819', 'http://127.0.0.1:5173', 'http://[::1]:8787', 'http://localhost:8787']) {
      expect(isTrustedOrigin(origin, DEV), origin).toBe(true);
    }
  });

  it('Should trust only APP_URL and TRUSTED_ORIGINS in production', () => {
    expect(isTrustedOrigin('https://shanhai.example.cn', PROD)).toBe(true);
    expect(isTrustedOrigin('https://ops.example.cn', PROD)).toBe(true);
    expect(isTrustedOrigin('http://localhost:8819', PROD)).toBe(false);
    expect(isTrustedOrigin('https://evil.example', PROD)).toBe(false);
  });

  it('Should refuse what is not a plain origin', () => {
    for (const origin of ['null', '', 'https://ops.example.cn/path', 'javascript:alert(1)', 'http://localhost.evil.example:8787']) {
      expect(isTrustedOrigin(origin, PROD), origin).toBe(false);
      expect(isTrustedOrigin(origin, DEV), origin).toBe(false);
    }
  });

  it("Should trust the request's own origin", () => {
    expect(isTrustedOrigin('https://preview.shanhai.example.cn', PROD, 'https://preview.shanhai.example.cn/sign-in')).toBe(true);
  });
});

describe('signing in from a script', () => {
  it("Should sign in with Node's fetch headers (Sec-Fetch-Mode: cors, no Origin, no cookie)", async () => {
    const res = await exports.default.fetch(`${BASE}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-mode': 'cors', 'cf-connecting-ip': freshIp() },
      body: credentials,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('set-auth-token')).toBeTruthy();
  });

  it('Should sign in from a page served on another loopback port in development', async () => {
    const res = await exports.default.fetch(`${BASE}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:8819', 'sec-fetch-site': 'same-origin', 'cf-connecting-ip': freshIp() },
      body: credentials,
    });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('Should let a cookie-carrying form post from another loopback port through in development', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const before = await countOrganizations();
    const res = await exports.default.fetch(`${BASE}/organizations/new`, {
      method: 'POST',
      headers: { cookie, origin: 'http://localhost:8819', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ kind: 'canteen', name: '八八一九端口的食堂' }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(await countOrganizations()).toBe(before + 1);
  });
});

describe('trusted origins in production', () => {
  it('Should refuse a loopback origin when APP_URL is a production origin', async () => {
    const res = await callWithEnv(PROD, '/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:8819', 'sec-fetch-mode': 'cors', 'cf-connecting-ip': freshIp() },
      body: credentials,
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-auth-token')).toBeNull();
  });

  it('Should accept an origin listed in TRUSTED_ORIGINS', async () => {
    const res = await callWithEnv(PROD, '/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://ops.example.cn', 'sec-fetch-mode': 'cors', 'cf-connecting-ip': freshIp() },
      body: credentials,
    });
    expect(res.status, await res.clone().text()).toBe(200);
  });
});
