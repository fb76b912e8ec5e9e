import { beforeAll, describe, expect, it } from 'vitest';
import { BASE, freshIp } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { getPage, postForm, sessionCookie } from '../helpers/accounts';

beforeAll(seedDatabase);

/** `next=` values as they arrive in a query string (percent-encoded by whoever built the link). */
const EVIL_NEXT = [
  ['a tab', '/%09/evil.example'],
  ['a CR LF', '/account%0D%0ALocation:%20https://evil.example'],
  ['a lone LF', '/%0A/evil.example'],
  ['scheme-relative', '//evil.example'],
  ['slash-backslash', '/%5Cevil.example'],
  ['an absolute URL', 'https%3A%2F%2Fevil.example%2F'],
] as const;

function expectSameOriginRedirect(res: Response) {
  expect(res.status).toBe(303);
  const location = res.headers.get('location')!;
  expect(location).toBe('/account');
  expect(new URL(location, BASE).origin).toBe(BASE);
}

describe('redirects after sign-in and sign-up', () => {
  it.each(EVIL_NEXT)('Should keep a signed-in visitor of /sign-in?next= with %s on our own origin', async (_name, next) => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    expectSameOriginRedirect(await getPage(`/sign-in?next=${next}`, cookie));
  });

  it.each(EVIL_NEXT)('Should keep a signed-in visitor of /sign-up?next= with %s on our own origin', async (_name, next) => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    expectSameOriginRedirect(await getPage(`/sign-up?next=${next}`, cookie));
  });

  it.each(EVIL_NEXT)('Should send a form sign-in whose next has %s to the account page', async (_name, next) => {
    const fields = { email: 'buyer@shanhai.local', password: 'shanhai-demo-2026', next: decodeURIComponent(next) };
    expectSameOriginRedirect(await postForm('/sign-in', fields, { headers: { 'cf-connecting-ip': freshIp() } }));
  });

  it('Should render the sign-in form (not a 500) for a guest whose next holds CR LF', async () => {
    const res = await getPage('/sign-in?next=/account%0D%0ASet-Cookie:%20x=1');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="next" value="/account"');
  });

  it('Should still honour an ordinary same-origin next with a query', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await getPage(`/sign-in?next=${encodeURIComponent('/orders?status=paid')}`, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/orders?status=paid');
  });
});
