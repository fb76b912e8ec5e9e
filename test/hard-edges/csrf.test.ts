import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE, callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { sessionCookie } from '../helpers/accounts';
import { makeCooperative, makeProduct, orderBody, pickupAtShowroom, row } from '../helpers/orders';
import { joinGroupBuy, openGroupBuy, PRODUCTS } from '../helpers/group-buys';

let product: string;
let showroomToken: string;

beforeAll(async () => {
  await seedDatabase();
  product = await makeProduct({ cooperativeId: await makeCooperative(), stock: 50 });
  showroomToken = await demoToken('showroomManager');
});

/** Exactly the headers given: no helper adds an Origin or a content type. */
const rawPost = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(`${BASE}${path}`, { method: 'POST', headers, redirect: 'manual' });

async function guestOrder() {
  const { status, body } = await callJson('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: product, quantity: 1 }], { delivery: pickupAtShowroom }) });
  expect(status).toBe(201);
  return body as { id: string; accessToken: string };
}

async function problemCode(res: Response): Promise<string | undefined> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

describe('bodiless guest POSTs, as the OpenAPI document describes them', () => {
  it('Should cancel a guest order with a bodiless POST ?token= and no Origin (a script)', async () => {
    const order = await guestOrder();
    const res = await rawPost(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('cancelled');
  });

  it("Should cancel a group-buy participation with a bodiless POST ?token= and no Origin", async () => {
    const group = await openGroupBuy(showroomToken);
    const joined = await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 1 }] });
    expect(joined.status).toBe(201);
    const res = await rawPost(`/api/v1/group-buys/${group.id}/participants/${joined.body.participantId}/cancel?token=${joined.body.accessToken}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('cancelled');
  });
});

describe('cookie-carrying POSTs', () => {
  it('Should let a bodiless POST with a cookie and a same-origin Origin through', async () => {
    const order = await guestOrder();
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await rawPost(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { cookie, origin: BASE });
    expect(res.status).toBe(200);
  });

  it('Should let a bodiless POST with a cookie and Sec-Fetch-Site: same-origin through', async () => {
    const order = await guestOrder();
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await rawPost(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { cookie, 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(200);
  });

  it('Should refuse a bodiless POST with a cookie and a foreign Origin as csrf_rejected, cancelling nothing', async () => {
    const order = await guestOrder();
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await rawPost(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { cookie, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await problemCode(res)).toBe('csrf_rejected');
    expect((await row<{ status: string }>('SELECT status FROM orders WHERE id = ?', order.id)).status).toBe('pending_payment');
  });

  it('Should refuse a bodiless POST with a cookie and neither Origin nor Sec-Fetch-Site', async () => {
    const order = await guestOrder();
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await rawPost(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { cookie });
    expect(res.status).toBe(403);
    expect(await problemCode(res)).toBe('csrf_rejected');
    expect((await row<{ status: string }>('SELECT status FROM orders WHERE id = ?', order.id)).status).toBe('pending_payment');
  });

  it('Should still refuse a cookieless cross-site form post that names its origin (login CSRF)', async () => {
    const res = await exports.default.fetch(`${BASE}/sign-in`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=buyer%40shanhai.local&password=shanhai-demo-2026',
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

type Operation = { requestBody?: unknown; parameters?: Array<{ in: string; required?: boolean }> };

describe('every bodiless POST of the OpenAPI document', () => {
  it('Should never be refused as CSRF when sent without cookies, exactly as documented', async () => {
    const spec = (await (await exports.default.fetch(`${BASE}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const bodiless = Object.entries(spec.paths)
      .filter(([, item]) => item.post && !item.post.requestBody)
      .map(([path]) => path.replace(/\{[^}]+\}/g, 'nonexistent_id'));
    expect(bodiless.length).toBeGreaterThan(5);
    expect(bodiless.every((path) => path.startsWith('/api/v1/'))).toBe(true);
    const csrf: string[] = [];
    for (const path of bodiless) {
      const res = await rawPost(path);
      expect(res.status, path).toBeLessThan(500);
      // A guest is refused as unauthenticated (401) or for an unknown id (404), never as a forgery (403).
      if (res.status === 403 || (await problemCode(res)) === 'csrf_rejected') csrf.push(`${res.status} ${path}`);
    }
    expect(csrf).toEqual([]);
  });

  it('Should let each bodiless POST through the CSRF check with a cookie and a same-origin Origin', async () => {
    const spec = (await (await exports.default.fetch(`${BASE}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const cookie = await sessionCookie('buyer@shanhai.local');
    const bodiless = Object.keys(spec.paths).filter((path) => spec.paths[path]!.post && !spec.paths[path]!.post!.requestBody);
    for (const path of bodiless) {
      const res = await rawPost(path.replace(/\{[^}]+\}/g, 'nonexistent_id'), { cookie, origin: BASE });
      expect(res.status, path).toBeLessThan(500);
      expect(await problemCode(res), path).not.toBe('csrf_rejected');
    }
  });
});
