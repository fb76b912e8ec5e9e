import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE, callJson, demoToken, newUser } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { newOrganization, orgIds } from '../helpers/accounts';

beforeAll(seedDatabase);

async function invite(orgId: string, token: string, email: string, role = 'purchaser') {
  return callJson(`/api/v1/organizations/${orgId}/invitations`, { method: 'POST', token, json: { email, role } });
}

describe('invitations by e-mail link', () => {
  it('Should give the owner an unguessable link and queue the e-mail in the notifications outbox', async () => {
    const org = await newOrganization('canteen');
    const res = await invite(org.id, org.owner.token, 'New.Buyer@Test.Local');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'new.buyer@test.local', role: 'purchaser', status: 'pending', expired: false });
    expect(res.body.id).toMatch(/^inv_[0-9a-z]{20}$/);
    expect(res.body.link).toBe(`${BASE}/invitations/${res.body.id}`);
    const outbox = await env.DB.prepare("SELECT kind, payload FROM notifications WHERE kind = 'invitation.email' AND payload LIKE ?")
      .bind(`%${res.body.id}%`)
      .first<{ kind: string; payload: string }>();
    expect(JSON.parse(outbox!.payload)).toMatchObject({ channel: 'email', to: 'new.buyer@test.local', link: res.body.link, role: 'purchaser' });
    const list = await callJson(`/api/v1/organizations/${org.id}/invitations`, { token: org.owner.token });
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([res.body.id]);
  });

  it('Should make the invited user a member once, and refuse a second acceptance', async () => {
    const org = await newOrganization('showroom');
    const invitee = await newUser('新采购员');
    const inv = await invite(org.id, org.owner.token, invitee.email);
    const view = await callJson(`/api/v1/invitations/${inv.body.id}`, { token: invitee.token });
    expect(view.status).toBe(200);
    expect(view.body.organizationName).toContain('测试showroom');

    const first = await callJson(`/api/v1/invitations/${inv.body.id}/accept`, { method: 'POST', token: invitee.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ organizationId: org.id, role: 'purchaser' });
    const me = await callJson('/api/v1/me', { token: invitee.token });
    expect(me.body.memberships).toEqual([expect.objectContaining({ organizationId: org.id, role: 'purchaser', status: 'pending' })]);

    const again = await callJson(`/api/v1/invitations/${inv.body.id}/accept`, { method: 'POST', token: invitee.token });
    expect(again.status).toBe(409);
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM member WHERE organization_id = ? AND user_id = ?').bind(org.id, invitee.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });

  it('Should create one membership when the same invitation is accepted twice at the same moment', async () => {
    const org = await newOrganization('enterprise');
    const invitee = await newUser();
    const inv = await invite(org.id, org.owner.token, invitee.email, 'member');
    const results = await Promise.all([1, 2, 3].map(() => callJson(`/api/v1/invitations/${inv.body.id}/accept`, { method: 'POST', token: invitee.token })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM member WHERE organization_id = ? AND user_id = ?').bind(org.id, invitee.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });

  it('Should refuse someone signed in with a different e-mail (403), leaving the invitation open', async () => {
    const org = await newOrganization('canteen');
    const invitee = await newUser();
    const stranger = await newUser();
    const inv = await invite(org.id, org.owner.token, invitee.email);
    expect((await callJson(`/api/v1/invitations/${inv.body.id}`, { token: stranger.token })).status).toBe(403);
    const res = await callJson(`/api/v1/invitations/${inv.body.id}/accept`, { method: 'POST', token: stranger.token });
    expect(res.status).toBe(403);
    expect((await callJson(`/api/v1/organizations/${org.id}`, { token: stranger.token })).status).toBe(404);
    const row = await env.DB.prepare('SELECT status FROM invitation WHERE id = ?').bind(inv.body.id).first<{ status: string }>();
    expect(row!.status).toBe('pending');
  });

  it('Should refuse an expired invitation with 409', async () => {
    const org = await newOrganization('canteen');
    const invitee = await newUser();
    const inv = await invite(org.id, org.owner.token, invitee.email);
    await env.DB.prepare('UPDATE invitation SET expires_at = ? WHERE id = ?').bind(Date.now() - 1000, inv.body.id).run();
    const res = await callJson(`/api/v1/invitations/${inv.body.id}/accept`, { method: 'POST', token: invitee.token });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/expired/);
    expect((await callJson(`/api/v1/organizations/${org.id}`, { token: invitee.token })).status).toBe(404);
  });

  it('Should refuse a withdrawn invitation, and let the owner invite the address again', async () => {
    const org = await newOrganization('canteen');
    const invitee = await newUser();
    const inv = await invite(org.id, org.owner.token, invitee.email);
    const duplicate = await invite(org.id, org.owner.token, invitee.email);
    expect(duplicate.status).toBe(409);
    const cancel = await callJson(`/api/v1/organizations/${org.id}/invitations/${inv.body.id}`, { method: 'DELETE', token: org.owner.token });
    expect(cancel.status).toBe(204);
    const res = await callJson(`/api/v1/invitations/${inv.body.id}/accept`, { method: 'POST', token: invitee.token });
    expect(res.status).toBe(409);
    expect((await invite(org.id, org.owner.token, invitee.email)).status).toBe(201);
  });

  it('Should refuse inviting someone who is already a member, or with a role the kind lacks', async () => {
    const owner = await demoToken('canteenOwner');
    expect((await invite(orgIds.canteen, owner, 'canteen@shanhai.local')).status).toBe(409);
    const staff = await invite(orgIds.canteen, owner, 'someone@test.local', 'staff');
    expect(staff.status).toBe(400);
    expect(staff.body.errors[0].path).toBe('body.role');
    const badEmail = await invite(orgIds.canteen, owner, 'not-an-email');
    expect(badEmail.status).toBe(400);
  });

  it('Should let only the owner invite', async () => {
    const purchaser = await demoToken('canteenPurchaser');
    expect((await invite(orgIds.canteen, purchaser, 'friend@test.local', 'owner')).status).toBe(403);
    const coopStaff = await demoToken('coopStaffA');
    expect((await invite(orgIds.canteen, coopStaff, 'friend@test.local', 'owner')).status).toBe(404);
  });

  it('Should answer 404 for an unknown invitation and 401 for a guest', async () => {
    const someone = await newUser();
    expect((await callJson('/api/v1/invitations/inv_doesnotexist0000000', { token: someone.token })).status).toBe(404);
    expect((await callJson('/api/v1/invitations/inv_doesnotexist0000000/accept', { method: 'POST' })).status).toBe(401);
  });
});
