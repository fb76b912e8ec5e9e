import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson, demoToken, newUser } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { createDb } from '../../src/db/client';
import { removeMember, updateMember } from '../../src/accounts/members.service';
import { addMember, anyCountyId, createOrganization, demoMemberId, newOrganization, orgIds } from '../helpers/accounts';

beforeAll(seedDatabase);

describe('creating an organisation', () => {
  it('Should create a pending canteen with its creator as owner', async () => {
    const founder = await newUser('食堂主任');
    const org = await createOrganization(founder.token, {
      kind: 'canteen',
      name: '闵行区机关食堂',
      districtId: 'minhang',
      invoiceTitle: '上海市闵行区机关事务管理局',
      taxId: '11310112mb0000000y',
      annualTargetFen: 30_000_000,
    });
    expect(org).toMatchObject({ kind: 'canteen', status: 'pending', myRole: 'owner' });
    expect((org as any).taxId).toBe('11310112MB0000000Y');
    expect((org as any).capabilities).toEqual({ invoiceTerms: false, publishProducts: false });

    const me = await callJson('/api/v1/me', { token: founder.token });
    expect(me.status).toBe(200);
    expect(me.body.memberships).toEqual([
      { organizationId: org.id, organizationName: '闵行区机关食堂', kind: 'canteen', status: 'pending', role: 'owner', countyId: null, perOrderLimitFen: null },
    ]);
  });

  it('Should bind a cooperative to its county and take the district from the pairing', async () => {
    const founder = await newUser('合作社理事长');
    const countyId = await anyCountyId();
    const county = await env.DB.prepare('SELECT district_id FROM counties WHERE id = ?').bind(countyId).first<{ district_id: string | null }>();
    const org = await createOrganization(founder.token, { kind: 'cooperative', name: '测试合作社', countyId, certificationNo: 'NO-123' });
    expect(org).toMatchObject({ kind: 'cooperative', status: 'pending', countyId, districtId: county!.district_id, certificationNo: 'NO-123' });
  });

  it.each([
    ['a cooperative without a county', { kind: 'cooperative', name: 'x', certificationNo: 'N' }, 'body.countyId'],
    ['a cooperative without a certification number', { kind: 'cooperative', name: 'x', countyId: 'luoping' }, 'body.certificationNo'],
    ['a cooperative in an unknown county', { kind: 'cooperative', name: 'x', countyId: 'atlantis', certificationNo: 'N' }, 'body.countyId'],
    ['a canteen with a county', { kind: 'canteen', name: 'x', countyId: 'luoping' }, 'body.countyId'],
    ['a canteen in an unknown district', { kind: 'canteen', name: 'x', districtId: 'nowhere' }, 'body.districtId'],
    ['the platform kind', { kind: 'platform', name: 'x' }, 'body.kind'],
    ['a status chosen by the founder', { kind: 'canteen', name: 'x', status: 'verified' }, 'body'],
    ['credit terms chosen by the founder', { kind: 'canteen', name: 'x', creditLimitFen: 1 }, 'body'],
    ['a negative target', { kind: 'canteen', name: 'x', annualTargetFen: -1 }, 'body.annualTargetFen'],
    ['a malformed tax id', { kind: 'canteen', name: 'x', taxId: '12-34' }, 'body.taxId'],
    ['no name', { kind: 'canteen' }, 'body.name'],
  ])('Should refuse %s with 400', async (_label, body, path) => {
    const founder = await newUser();
    const res = await callJson('/api/v1/organizations', { method: 'POST', token: founder.token, json: body });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).join(' ')).toContain(path);
    const owned = await env.DB.prepare('SELECT count(*) AS n FROM member WHERE user_id = ?').bind(founder.id).first<{ n: number }>();
    expect(owned!.n).toBe(0);
  });

  it('Should answer malformed JSON and a wrong content type with a 4xx problem, not a 500', async () => {
    const founder = await newUser();
    const broken = await call('/api/v1/organizations', { method: 'POST', token: founder.token, headers: { 'content-type': 'application/json' }, body: '{"kind": "canteen",' });
    expect(broken.status).toBe(400);
    expect(broken.headers.get('content-type')).toContain('application/problem+json');
    const xml = await call('/api/v1/organizations', { method: 'POST', token: founder.token, headers: { 'content-type': 'application/xml' }, body: '<org/>' });
    expect(xml.status).toBe(415);
    const huge = await callJson('/api/v1/organizations', { method: 'POST', token: founder.token, json: { kind: 'canteen', name: '食'.repeat(5000) } });
    expect(huge.status).toBe(400);
  });

  it('Should ask a guest to sign in before looking at the body', async () => {
    const res = await callJson('/api/v1/organizations', { method: 'POST', json: { nonsense: true } });
    expect(res.status).toBe(401);
  });
});

describe('editing the profile', () => {
  it('Should let the owner change profile fields and audit the change', async () => {
    const owner = await demoToken('canteenOwner');
    const res = await callJson(`/api/v1/organizations/${orgIds.canteen}`, {
      method: 'PATCH',
      token: owner,
      json: { invoiceTitle: '上海市宝山区机关事务管理局（食堂）', annualTargetFen: 60_000_000, contactPhone: '021-56600001' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ invoiceTitle: '上海市宝山区机关事务管理局（食堂）', annualTargetFen: 60_000_000, contactPhone: '021-56600001' });
    const audit = await env.DB.prepare("SELECT before, after FROM audit_log WHERE action = 'organization.update' AND entity_id = ? ORDER BY created_at DESC LIMIT 1")
      .bind(orgIds.canteen)
      .first<{ before: string; after: string }>();
    expect(JSON.parse(audit!.before)).toMatchObject({ annualTargetFen: 50_000_000 });
    expect(JSON.parse(audit!.after)).toMatchObject({ annualTargetFen: 60_000_000 });
  });

  it.each([
    ['status', { status: 'verified' }],
    ['kind', { kind: 'cooperative' }],
    ['payment terms', { paymentTermsDays: 90 }],
    ['credit limit', { creditLimitFen: 999_999_999 }],
    ['the name the platform verified', { name: '别的名字' }],
    ['the county', { countyId: 'luoping' }],
  ])('Should refuse an owner changing %s, leaving the organisation unchanged', async (_label, body) => {
    const { owner, id } = await newOrganization('canteen');
    const before = await env.DB.prepare('SELECT * FROM organization WHERE id = ?').bind(id).first();
    const res = await callJson(`/api/v1/organizations/${id}`, { method: 'PATCH', token: owner.token, json: body });
    expect(res.status).toBe(400);
    expect(await env.DB.prepare('SELECT * FROM organization WHERE id = ?').bind(id).first()).toEqual(before);
  });

  it('Should refuse a purchaser editing the profile with 403', async () => {
    const purchaser = await demoToken('canteenPurchaser');
    const res = await callJson(`/api/v1/organizations/${orgIds.canteen}`, { method: 'PATCH', token: purchaser, json: { contactPhone: '123456' } });
    expect(res.status).toBe(403);
  });
});

describe('organisations are private to their members', () => {
  it('Should answer 404 to a member of org A reading or patching org B, and leave B unchanged', async () => {
    const a = await newOrganization('canteen');
    const b = await newOrganization('enterprise');
    const before = await env.DB.prepare('SELECT * FROM organization WHERE id = ?').bind(b.id).first();
    for (const [method, path, json] of [
      ['GET', `/api/v1/organizations/${b.id}`, undefined],
      ['PATCH', `/api/v1/organizations/${b.id}`, { invoiceTitle: 'hijacked' }],
      ['GET', `/api/v1/organizations/${b.id}/members`, undefined],
      ['POST', `/api/v1/organizations/${b.id}/invitations`, { email: 'spy@test.local', role: 'owner' }],
      ['GET', `/api/v1/organizations/${b.id}/delivery-locations`, undefined],
    ] as const) {
      const res = await callJson(path, { method, token: a.owner.token, json });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(b.owner.email);
    }
    expect(await env.DB.prepare('SELECT * FROM organization WHERE id = ?').bind(b.id).first()).toEqual(before);
  });
});

describe('members and roles', () => {
  it('Should list members to any member, with roles and limits', async () => {
    const token = await demoToken('canteenPurchaser');
    const res = await callJson(`/api/v1/organizations/${orgIds.canteen}/members`, { token });
    expect(res.status).toBe(200);
    const purchaser = res.body.items.find((m: { email: string }) => m.email === 'canteen@shanhai.local');
    expect(purchaser).toMatchObject({ role: 'purchaser', perOrderLimitFen: 2_000_000 });
  });

  it('Should page through members with a cursor', async () => {
    const org = await newOrganization('enterprise');
    for (let i = 0; i < 3; i++) await addMember(org.id, 'member');
    const first = await callJson(`/api/v1/organizations/${org.id}/members?limit=2`, { token: org.owner.token });
    expect(first.body.items).toHaveLength(2);
    const second = await callJson(`/api/v1/organizations/${org.id}/members?limit=2&cursor=${first.body.nextCursor}`, { token: org.owner.token });
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((m: { id: string }) => m.id);
    expect(new Set(ids).size).toBe(4);
    const bad = await callJson(`/api/v1/organizations/${org.id}/members?cursor=nonsense`, { token: org.owner.token });
    expect(bad.status).toBe(400);
  });

  it("Should let the owner make a member a purchaser with a per-order limit, and audit it", async () => {
    const org = await newOrganization('canteen');
    const m = await addMember(org.id, 'member');
    const res = await callJson(`/api/v1/organizations/${org.id}/members/${m.memberId}`, {
      method: 'PATCH',
      token: org.owner.token,
      json: { role: 'purchaser', perOrderLimitFen: 500_000 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'purchaser', perOrderLimitFen: 500_000 });
    const me = await callJson('/api/v1/me', { token: m.token });
    expect(me.body.memberships[0]).toMatchObject({ role: 'purchaser', perOrderLimitFen: 500_000 });
    const audit = await env.DB.prepare("SELECT before, after FROM audit_log WHERE action = 'member.update' AND entity_id = ?").bind(m.memberId).first<{ before: string; after: string }>();
    expect(JSON.parse(audit!.before)).toMatchObject({ role: 'member', perOrderLimitFen: null });
    expect(JSON.parse(audit!.after)).toMatchObject({ role: 'purchaser', perOrderLimitFen: 500_000 });
  });

  it('Should refuse a per-order limit on someone who is not a purchaser', async () => {
    const org = await newOrganization('canteen');
    const m = await addMember(org.id, 'member');
    const res = await callJson(`/api/v1/organizations/${org.id}/members/${m.memberId}`, { method: 'PATCH', token: org.owner.token, json: { perOrderLimitFen: 100 } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.perOrderLimitFen');
  });

  it.each([
    ['canteen', 'staff'],
    ['cooperative', 'purchaser'],
    ['cooperative', 'member'],
  ] as const)('Should refuse a role a %s does not have (%s)', async (kind, role) => {
    const org = await newOrganization(kind);
    const m = await addMember(org.id, kind === 'cooperative' ? 'staff' : 'member');
    const res = await callJson(`/api/v1/organizations/${org.id}/members/${m.memberId}`, { method: 'PATCH', token: org.owner.token, json: { role } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.role');
  });

  it('Should refuse a purchaser changing roles (403) and setting their own limit', async () => {
    const purchaser = await demoToken('canteenPurchaser');
    const res = await callJson(`/api/v1/organizations/${orgIds.canteen}/members/${demoMemberId('canteenPurchaser')}`, {
      method: 'PATCH',
      token: purchaser,
      json: { perOrderLimitFen: 999_999_999 },
    });
    expect(res.status).toBe(403);
    const row = await env.DB.prepare('SELECT per_order_limit_fen AS limitFen FROM member WHERE id = ?').bind(demoMemberId('canteenPurchaser')).first<{ limitFen: number }>();
    expect(row!.limitFen).toBe(2_000_000);
  });

  it('Should answer 404 for a member id of another organisation', async () => {
    const org = await newOrganization('canteen');
    const res = await callJson(`/api/v1/organizations/${org.id}/members/${demoMemberId('canteenPurchaser')}`, {
      method: 'PATCH',
      token: org.owner.token,
      json: { role: 'member' },
    });
    expect(res.status).toBe(404);
  });

  it('Should keep at least one owner: the last owner can be neither demoted nor removed', async () => {
    const org = await newOrganization('showroom');
    const ownerMember = await env.DB.prepare("SELECT id FROM member WHERE organization_id = ? AND role = 'owner'").bind(org.id).first<{ id: string }>();
    const demote = await callJson(`/api/v1/organizations/${org.id}/members/${ownerMember!.id}`, { method: 'PATCH', token: org.owner.token, json: { role: 'member' } });
    expect(demote.status).toBe(409);
    const remove = await callJson(`/api/v1/organizations/${org.id}/members/${ownerMember!.id}`, { method: 'DELETE', token: org.owner.token });
    expect(remove.status).toBe(409);
    const owners = await env.DB.prepare("SELECT count(*) AS n FROM member WHERE organization_id = ? AND role = 'owner'").bind(org.id).first<{ n: number }>();
    expect(owners!.n).toBe(1);
    const audits = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action IN ('member.update', 'member.remove')").bind(ownerMember!.id).first<{ n: number }>();
    expect(audits!.n).toBe(0);
  });

  it('Should have the database refuse the demotion that would leave no owner, whatever the caller saw', async () => {
    // Two owners demote each other; the second request was authorised while both were still owners
    // (its actor was loaded before the first change), so only the SQL guard stands in the way.
    const org = await newOrganization('enterprise');
    const second = await addMember(org.id, 'owner');
    const first = await env.DB.prepare('SELECT id FROM member WHERE organization_id = ? AND user_id = ?').bind(org.id, org.owner.id).first<{ id: string }>();
    const db = createDb(env.DB);
    const actor = { userId: org.owner.id, email: org.owner.email, name: 'x', isAdmin: false, sessionId: 's', memberships: [] };
    await updateMember(db, actor, org.id, second.memberId, { role: 'member' });
    await expect(updateMember(db, actor, org.id, first!.id, { role: 'member' })).rejects.toMatchObject({ status: 409 });
    await expect(removeMember(db, actor, org.id, first!.id)).rejects.toMatchObject({ status: 409 });
    const owners = await env.DB.prepare("SELECT count(*) AS n FROM member WHERE organization_id = ? AND role = 'owner'").bind(org.id).first<{ n: number }>();
    expect(owners!.n).toBe(1);
  });

  it('Should let the owner remove a member, and a member leave on their own', async () => {
    const org = await newOrganization('canteen');
    const a = await addMember(org.id, 'member');
    const b = await addMember(org.id, 'purchaser');
    const cannot = await callJson(`/api/v1/organizations/${org.id}/members/${a.memberId}`, { method: 'DELETE', token: b.token });
    expect(cannot.status).toBe(403);
    const removed = await callJson(`/api/v1/organizations/${org.id}/members/${a.memberId}`, { method: 'DELETE', token: org.owner.token });
    expect(removed.status).toBe(204);
    const left = await callJson(`/api/v1/organizations/${org.id}/members/${b.memberId}`, { method: 'DELETE', token: b.token });
    expect(left.status).toBe(204);
    const gone = await callJson(`/api/v1/organizations/${org.id}`, { token: b.token });
    expect(gone.status).toBe(404);
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'member.remove' AND organization_id = ?").bind(org.id).first<{ n: number }>();
    expect(audit!.n).toBe(2);
  });
});
