import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, newOrganization } from '../helpers/accounts';
import { productBody } from '../helpers/cooperatives';
import { call, callJson, env } from '../helpers/http';
import { contact, orderBody, pickupAtShowroom, stockOf } from '../helpers/orders';
import { seedDatabase } from '../helpers/seed';

beforeAll(seedDatabase);

/** A verified cooperative with one published and one unpublished product. */
async function cooperativeSelling() {
  const coop = await newOrganization('cooperative', { verified: true });
  const token = coop.owner.token;
  const create = async (status: 'published' | 'unpublished') => {
    const res = await callJson('/api/v1/products', { method: 'POST', token, json: productBody(coop.id, { status: 'published' }) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    if (status === 'unpublished') expect((await call(`/api/v1/products/${res.body.id}/unpublish`, { method: 'POST', token })).status).toBe(200);
    return res.body.id as string;
  };
  return { coop, token, published: await create('published'), unpublished: await create('unpublished') };
}

const adminAction = async (orgId: string, action: 'suspend' | 'verify') =>
  callJson(`/api/v1/admin/organizations/${orgId}/${action}`, { method: 'POST', token: await adminToken() });

const statusOf = async (productId: string) => (await env.DB.prepare('SELECT status FROM products WHERE id = ?').bind(productId).first<{ status: string }>())!.status;

describe('a suspended cooperative sells nothing', () => {
  it('Should take its published products out of the catalog and out of checkout, and bring them back on verification', async () => {
    const { coop, published, unpublished } = await cooperativeSelling();
    expect((await call(`/api/v1/products/${published}`)).status).toBe(200);

    expect((await adminAction(coop.id, 'suspend')).status).toBe(200);
    expect(await statusOf(published)).toBe('withheld');
    expect(await statusOf(unpublished)).toBe('unpublished');
    expect((await call(`/api/v1/products/${published}`)).status).toBe(404);
    const listed = await callJson(`/api/v1/products?cooperative=${coop.id}`);
    expect(listed.body.items).toEqual([]);

    const stock = await stockOf(published);
    const order = await callJson('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: published, quantity: 1 }], { delivery: pickupAtShowroom, contact, paymentMethod: 'pay_at_pickup' }) });
    expect(order.status).toBe(422);
    expect(order.body.errors).toEqual([{ path: 'body.items.0.productId', rule: 'unavailable', message: expect.stringMatching(/not for sale/) }]);
    expect(await stockOf(published)).toBe(stock);

    expect((await adminAction(coop.id, 'verify')).status).toBe(200);
    expect(await statusOf(published)).toBe('published');
    expect(await statusOf(unpublished)).toBe('unpublished');
    expect((await call(`/api/v1/products/${published}`)).status).toBe(200);
  });

  it('Should refuse a suspended cooperative publishing, and never let it set `withheld` itself', async () => {
    const { coop, token, published, unpublished } = await cooperativeSelling();
    await adminAction(coop.id, 'suspend');

    const publish = await callJson(`/api/v1/products/${unpublished}`, { method: 'PATCH', token, json: { status: 'published' } });
    expect(publish.status).toBe(403);
    expect(await statusOf(unpublished)).toBe('unpublished');

    const forged = await callJson(`/api/v1/products/${unpublished}`, { method: 'PATCH', token, json: { status: 'withheld' } });
    expect(forged.status).toBe(400);

    // Other edits of a withheld product are still the cooperative's to make.
    const renamed = await callJson(`/api/v1/products/${published}`, { method: 'PATCH', token, json: { nameZh: '改名火腿' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ nameZh: '改名火腿', status: 'withheld' });
  });

  it('Should refuse publishing when the suspension lands after the handler checked verification (database guard)', async () => {
    const { coop, unpublished } = await cooperativeSelling();
    const { guardedStatus, publishRefusedOr } = await import('../../src/cooperatives/products.service');
    const { createDb } = await import('../../src/db/client');
    const { products } = await import('../../src/db/schema');
    const { eq } = await import('drizzle-orm');
    await adminAction(coop.id, 'suspend');
    const db = createDb(env.DB);
    const error = await db
      .update(products)
      .set({ status: guardedStatus('published', coop.id) })
      .where(eq(products.id, unpublished))
      .then(() => null, (e: unknown) => e);
    expect(error).not.toBeNull();
    expect(publishRefusedOr(error)).toMatchObject({ code: 'forbidden' });
    expect(await statusOf(unpublished)).toBe('unpublished');
  });

  it('Should export a withheld product as published and read that file back without publishing anything', async () => {
    const { coop, token, published } = await cooperativeSelling();
    await adminAction(coop.id, 'suspend');
    const exported = await call(`/api/v1/products/export?cooperativeId=${coop.id}`, { token });
    expect(exported.status).toBe(200);
    const csv = await exported.text();
    expect(csv).toContain(',published,');
    expect(csv).not.toContain('withheld');
    const imported = await callJson(`/api/v1/products/import?cooperativeId=${coop.id}`, { method: 'POST', token, body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(await statusOf(published)).toBe('withheld');
  });
});
