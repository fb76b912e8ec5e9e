import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { addMember, newOrganization, orgIds } from '../helpers/accounts';

beforeAll(seedDatabase);

const kitchen = { label: '后厨收货口', recipient: '李师傅', phone: '13900000000', districtId: 'minhang', street: '上海市闵行区沪闵路 1 号', receivingHours: '7:00–9:00' };

describe('delivery locations of a buyer organisation', () => {
  it('Should let the owner and a purchaser add, read, edit and delete locations, with one default', async () => {
    const org = await newOrganization('canteen');
    const purchaser = await addMember(org.id, 'purchaser');
    const base = `/api/v1/organizations/${org.id}/delivery-locations`;

    const first = await callJson(base, { method: 'POST', token: org.owner.token, json: kitchen });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ ...kitchen, isDefault: true, organizationId: org.id });

    const second = await callJson(base, { method: 'POST', token: purchaser.token, json: { ...kitchen, label: '仓库', isDefault: true } });
    expect(second.status).toBe(201);
    expect(second.body.isDefault).toBe(true);
    const list = await callJson(base, { token: purchaser.token });
    expect(list.body.items.map((l: { label: string; isDefault: boolean }) => [l.label, l.isDefault])).toEqual([
      ['后厨收货口', false],
      ['仓库', true],
    ]);

    const edited = await callJson(`${base}/${first.body.id}`, { method: 'PATCH', token: purchaser.token, json: { receivingHours: null, isDefault: true } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ receivingHours: null, isDefault: true });
    expect((await callJson(`${base}/${second.body.id}`, { token: org.owner.token })).body.isDefault).toBe(false);

    expect((await callJson(`${base}/${second.body.id}`, { method: 'DELETE', token: org.owner.token })).status).toBe(204);
    expect((await callJson(`${base}/${second.body.id}`, { token: org.owner.token })).status).toBe(404);
  });

  it.each([
    ['an unknown district', { ...kitchen, districtId: 'atlantis' }, 'body.districtId'],
    ['no recipient', { ...kitchen, recipient: '' }, 'body.recipient'],
    ['a malformed phone', { ...kitchen, phone: 'call me' }, 'body.phone'],
    ['an unknown field', { ...kitchen, organizationId: orgIds.showroom }, 'body'],
  ])('Should refuse %s with 400', async (_label, body, path) => {
    const owner = await demoToken('canteenOwner');
    const res = await callJson(`/api/v1/organizations/${orgIds.canteen}/delivery-locations`, { method: 'POST', token: owner, json: body });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).join(' ')).toContain(path);
  });

  it('Should refuse a plain member (403) and answer 404 to other organisations', async () => {
    const member = await addMember(orgIds.canteen, 'member');
    const base = `/api/v1/organizations/${orgIds.canteen}/delivery-locations`;
    expect((await callJson(base, { token: member.token })).status).toBe(403);
    expect((await callJson(base, { method: 'POST', token: member.token, json: kitchen })).status).toBe(403);
    const showroom = await demoToken('showroomManager');
    expect((await callJson(`${base}/loc_baoshan_canteen_kitchen`, { token: showroom })).status).toBe(404);
    expect((await callJson(`${base}/loc_baoshan_canteen_kitchen`, { method: 'DELETE', token: showroom })).status).toBe(404);
  });

  it("Should not reach another organisation's location through one's own organisation", async () => {
    const owner = await demoToken('showroomManager');
    const res = await callJson(`/api/v1/organizations/${orgIds.showroom}/delivery-locations/loc_baoshan_canteen_kitchen`, { method: 'PATCH', token: owner, json: { street: 'moved' } });
    expect(res.status).toBe(404);
    const row = await env.DB.prepare("SELECT street FROM delivery_locations WHERE id = 'loc_baoshan_canteen_kitchen'").first<{ street: string }>();
    expect(row!.street).toContain('密山路');
  });

  it('Should give cooperatives no delivery locations', async () => {
    const coopStaff = await demoToken('coopStaffA');
    expect((await callJson(`/api/v1/organizations/${orgIds.coopA}/delivery-locations`, { token: coopStaff })).status).toBe(403);
    const admin = await demoToken('admin');
    expect((await callJson(`/api/v1/organizations/${orgIds.coopA}/delivery-locations`, { token: admin })).status).toBe(404);
  });
});
