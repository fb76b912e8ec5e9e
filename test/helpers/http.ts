import { env, exports } from 'cloudflare:workers';
import { DEMO_PASSWORD, demoAccounts, type DemoAccount } from '../../seeds/seed';
import { publishDataVersions } from '../../src/lib/public-cache';

export const BASE = 'http://localhost:8787';

export type JsonInit = Omit<RequestInit, 'body'> & { json?: unknown; body?: BodyInit; token?: string };

/** Calls the worker the way a client would. `json` sets the body and content type; `token` a bearer. */
export async function call(path: string, init: JsonInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (!headers.has('origin') && init.method && init.method !== 'GET') headers.set('origin', BASE);
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  return exports.default.fetch(`${BASE}${path}`, { ...init, headers, body });
}

export async function callJson<T = any>(path: string, init: JsonInit = {}): Promise<{ status: number; body: T; res: Response }> {
  const res = await call(path, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: leave the text
  }
  return { status: res.status, body, res };
}

let ipCounter = 0;
/** A fresh client IP per sign-in so the sign-in rate limit does not bleed across unrelated tests. */
export function freshIp(): string {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

/** Signs in by e-mail and password and returns the bearer token (`set-auth-token`). */
/**
 * Spends a rate limit's allowance for one key and returns the next, refused, attempt. Miniflare's limiter counts
 * in fixed windows (wrangler.toml `period`), so a run that happens to cross a window's end starts counting again
 * and is not refused; such a run is repeated with the next key. `spend` makes the allowed calls and asserts them.
 */
export async function refusedWithinOneWindow<T extends { status: number }>(
  keys: string[],
  spend: (key: string) => Promise<void>,
  attempt: (key: string) => Promise<T>,
): Promise<{ key: string; refused: T }> {
  for (const key of keys) {
    await spend(key);
    const refused = await attempt(key);
    if (refused.status === 429 || key === keys.at(-1)) return { key, refused };
  }
  throw new Error('refusedWithinOneWindow needs at least one key');
}

export async function signIn(email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await call('/api/auth/sign-in/email', {
    method: 'POST',
    json: { email, password },
    headers: { 'cf-connecting-ip': freshIp() },
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const token = res.headers.get('set-auth-token');
  if (!token) throw new Error('no set-auth-token header');
  return token;
}

/** Bearer token of a seeded demo account (requires seedDatabase()). */
export async function demoToken(key: DemoAccount['key']): Promise<string> {
  const account = demoAccounts.find((a) => a.key === key)!;
  return signIn(account.email);
}

let userCounter = 0;
/** Signs up a brand-new user and returns its id and bearer token. */
export async function newUser(name = 'Test user'): Promise<{ id: string; email: string; token: string }> {
  userCounter += 1;
  const email = `user${userCounter}-${crypto.randomUUID().slice(0, 8)}@test.local`;
  const res = await call('/api/auth/sign-up/email', {
    method: 'POST',
    json: { email, password: 'test-password-123', name },
    headers: { 'cf-connecting-ip': freshIp() },
  });
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  return { id: body.user.id, email, token: res.headers.get('set-auth-token')! };
}

/**
 * Fixtures that write straight to D1, not through the app, announce the data versions their writes left,
 * as every write through the app and the cron jobs do, so cached public reads move on at once.
 */
export async function publishDirectWrites(): Promise<void> {
  await publishDataVersions(new URL(BASE).origin, env.DB);
}

export { env };
