import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE, call, demoToken, freshIp } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { getPage, postForm, sessionCookie } from '../helpers/accounts';

beforeAll(seedDatabase);

const countOrganizations = async () => (await env.DB.prepare('SELECT count(*) AS n FROM organization').first<{ n: number }>())!.n;

describe('CSRF protection of cookie-authenticated form posts', () => {
  const newOrgForm = { kind: 'canteen', name: '跨站伪造的食堂' };

  it('Should refuse a form post without an Origin header (403) and create nothing', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const before = await countOrganizations();
    const res = await postForm('/organizations/new', newOrgForm, { cookie, origin: null });
    expect(res.status).toBe(403);
    expect(await countOrganizations()).toBe(before);
  });

  it('Should refuse a form post from a foreign origin (403) and create nothing', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const before = await countOrganizations();
    const res = await postForm('/organizations/new', newOrgForm, { cookie, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await countOrganizations()).toBe(before);
  });

  it('Should refuse a cross-site form post even when the browser only sends Sec-Fetch-Site', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await postForm('/organizations/new', newOrgForm, { cookie, origin: null, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
  });

  it('Should refuse a text/plain cross-site post (the other "simple" content type)', async () => {
    const res = await call('/sign-out', { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(403);
  });

  it('Should accept the same form post from our own origin', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const before = await countOrganizations();
    const res = await postForm('/organizations/new', newOrgForm, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/organizations\/org_/);
    expect(await countOrganizations()).toBe(before + 1);
  });

  it('Should let a script with a bearer token and no cookie post without an Origin header', async () => {
    const token = await demoToken('buyer');
    const before = await countOrganizations();
    const res = await postForm('/organizations/new', newOrgForm, { origin: null, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(303);
    expect(await countOrganizations()).toBe(before + 1);
  });

  it('Should still check the origin when a bearer token comes with a session cookie', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const token = await demoToken('buyer');
    const before = await countOrganizations();
    const res = await postForm('/organizations/new', newOrgForm, { cookie, origin: null, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(await countOrganizations()).toBe(before);
  });

  it("Should have Better Auth refuse a cookie-authenticated JSON post from an untrusted origin", async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await call('/api/auth/sign-out', { method: 'POST', json: {}, headers: { cookie, origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect((await getPage('/account', cookie)).status).toBe(200);
  });
});

describe('secure headers', () => {
  it.each(['/sign-in', '/api/v1/me'])('Should send the security headers on %s', async (path) => {
    const res = await getPage(path);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
  });
});

describe('rate limiting of sign-in and sign-up (per client IP, counted in D1)', () => {
  it('Should answer 429 after 5 sign-in attempts a minute from one IP, while another IP is unaffected', async () => {
    const ip = freshIp();
    const attempt = (from: string, password = 'wrong-password') =>
      call('/api/auth/sign-in/email', { method: 'POST', json: { email: 'canteen@shanhai.local', password }, headers: { 'cf-connecting-ip': from } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(ip)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Even the right password is refused from the limited IP...
    expect((await attempt(ip, 'shanhai-demo-2026')).status).toBe(429);
    // ...but not from another one.
    expect((await attempt(freshIp(), 'shanhai-demo-2026')).status).toBe(200);
  });

  it('Should answer 429 after 3 sign-ups a minute from one IP, while another IP is unaffected', async () => {
    const ip = freshIp();
    const signUp = (from: string) =>
      call('/api/auth/sign-up/email', {
        method: 'POST',
        json: { email: `flood-${crypto.randomUUID().slice(0, 8)}@test.local`, password: 'test-password-123', name: 'flood' },
        headers: { 'cf-connecting-ip': from },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signUp(ip)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await signUp(freshIp())).status).toBe(200);
  });

  it('Should limit the sign-in page form exactly like the JSON endpoint', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await postForm('/sign-in', { email: 'canteen@shanhai.local', password: 'wrong-password' }, { headers: { 'cf-connecting-ip': ip } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const other = await postForm('/sign-in', { email: 'canteen@shanhai.local', password: 'shanhai-demo-2026' }, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(other.status).toBe(303);
  });
});

describe('redirects after sign-in', () => {
  it.each(['//evil.example/steal', 'https://evil.example/', '/\\evil.example'])('Should not redirect off-site to %s', async (next) => {
    const res = await postForm('/sign-in', { email: 'buyer@shanhai.local', password: 'shanhai-demo-2026', next }, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account');
    expect(new URL(res.headers.get('location')!, BASE).origin).toBe(BASE);
  });
});
