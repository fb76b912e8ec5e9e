import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { productId } from '../../seeds/seed';
import { coops } from '../helpers/cooperatives';
import { addMember } from '../helpers/accounts';
import { createOrder } from '../helpers/fulfilment';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

let staffA: string;
let staffB: string;
const HAM = productId('XW-HAM-001');

beforeAll(async () => {
  await seedDatabase();
  [staffA, staffB] = await Promise.all([demoToken('coopStaffA'), demoToken('coopStaffB')]);
});

describe('GET /api/v1/shipments without cooperativeId (optional in the spec)', () => {
  it("Should list the caller's own cooperative's shipments", async () => {
    const order = await createOrder({ parts: [{ lines: [{ productId: HAM, quantity: 1 }] }] });
    const { status, body } = await callJson('/api/v1/shipments?limit=100', { token: staffA });
    expect(status).toBe(200);
    expect(body.items.map((s: { id: string }) => s.id)).toContain(order.shipmentIds[0]);
    expect(body.items.every((s: { cooperativeId: string }) => s.cooperativeId === coops.a)).toBe(true);
    const explicit = await callJson(`/api/v1/shipments?cooperativeId=${coops.a}&limit=100`, { token: staffA });
    expect(explicit.body.items).toEqual(body.items);
  });

  it('Should ask a person who staffs no cooperative to name one (400, rule cooperative_required)', async () => {
    const { status, body } = await callJson('/api/v1/shipments', { token: await demoToken('buyer') });
    expect(status).toBe(400);
    expect(body.errors).toContainEqual(expect.objectContaining({ path: 'query.cooperativeId', rule: 'cooperative_required' }));
  });

  it('Should ask staff of two cooperatives to choose', async () => {
    const both = await addMember(coops.a, 'staff');
    await addMemberToo(both.id, coops.b);
    const { status, body } = await callJson('/api/v1/shipments', { token: both.token });
    expect(status).toBe(400);
    expect(body.detail).toMatch(/several cooperatives/);
  });

  it('Should answer 401 to a guest', async () => {
    expect((await callJson('/api/v1/shipments')).status).toBe(401);
  });
});

describe("another cooperative's shipment", () => {
  it('Should be a plain 404 naming the shipment, not its cooperative', async () => {
    const order = await createOrder({ parts: [{ lines: [{ productId: HAM, quantity: 1 }] }] });
    const [id] = order.shipmentIds;
    for (const [method, path] of [['GET', `/api/v1/shipments/${id}`], ['POST', `/api/v1/shipments/${id}/accept`]] as const) {
      const { status, body } = await callJson(path, { method, token: staffB });
      expect(status).toBe(404);
      expect(body.detail).toBe(`Shipment ${id} not found`);
      expect(JSON.stringify(body)).not.toContain(coops.a);
    }
  });
});

async function addMemberToo(userId: string, organizationId: string) {
  await env.DB.prepare('INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, ?, ?)')
    .bind(`mem_t_${crypto.randomUUID().slice(0, 12)}`, organizationId, userId, 'staff', Date.now())
    .run();
}
