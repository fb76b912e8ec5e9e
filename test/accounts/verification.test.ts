import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { adminToken, newOrganization, orgIds } from '../helpers/accounts';

beforeAll(seedDatabase);

async function auditRows(entityId: string) {
  const { results } = await env.DB.prepare('SELECT action, actor_user_id AS actor, before, after FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid').bind(entityId).all<{
    action: string;
    actor: string;
    before: string;
    after: string;
  }>();
  return results.map((r) => ({ ...r, before: JSON.parse(r.before), after: JSON.parse(r.after) }));
}

describe('verification by the platform admin', () => {
  it('Should verify a pending organisation and audit before/after', async () => {
    const org = await newOrganization('cooperative');
    const res = await callJson(`/api/v1/admin/organizations/${org.id}/verify`, { method: 'POST', token: await adminToken() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'verified', capabilities: { publishProducts: true } });
    expect(res.body.verifiedAt).not.toBeNull();
    const audit = (await auditRows(org.id)).filter((a) => a.action === 'organization.verify');
    expect(audit).toEqual([
      { action: 'organization.verify', actor: 'usr_demo_admin', before: { status: 'pending', verifiedAt: null }, after: { status: 'verified', verifiedAt: expect.any(Number) } },
    ]);
  });

  it('Should suspend a verified organisation, which then loses its capabilities, and audit it', async () => {
    const org = await newOrganization('canteen', { verified: true });
    const admin = await adminToken();
    const terms = await callJson(`/api/v1/admin/organizations/${org.id}/credit-terms`, { method: 'POST', token: admin, json: { paymentTermsDays: 30, creditLimitFen: 1_000_000 } });
    expect(terms.body.capabilities.invoiceTerms).toBe(true);
    const res = await callJson(`/api/v1/admin/organizations/${org.id}/suspend`, { method: 'POST', token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'suspended', capabilities: { invoiceTerms: false } });
    const actions = (await auditRows(org.id)).map((a) => [a.action, a.before?.status ?? null, a.after?.status ?? null]);
    expect(actions).toEqual([
      ['organization.create', null, 'pending'],
      ['organization.verify', 'pending', 'verified'],
      ['organization.credit_terms', null, null],
      ['organization.suspend', 'verified', 'suspended'],
    ]);
  });

  it('Should refuse verifying twice, and touching the platform organisation (409)', async () => {
    const admin = await adminToken();
    expect((await callJson(`/api/v1/admin/organizations/${orgIds.canteen}/verify`, { method: 'POST', token: admin })).status).toBe(409);
    expect((await callJson('/api/v1/admin/organizations/org_platform/suspend', { method: 'POST', token: admin })).status).toBe(409);
    expect((await callJson('/api/v1/admin/organizations/org_nope/verify', { method: 'POST', token: admin })).status).toBe(404);
  });

  it('Should refuse anyone but an admin (owner of the organisation included)', async () => {
    const org = await newOrganization('canteen');
    const res = await callJson(`/api/v1/admin/organizations/${org.id}/verify`, { method: 'POST', token: org.owner.token });
    expect(res.status).toBe(403);
    expect((await callJson(`/api/v1/admin/organizations/${org.id}/verify`, { method: 'POST' })).status).toBe(401);
    const row = await env.DB.prepare('SELECT status FROM organization WHERE id = ?').bind(org.id).first<{ status: string }>();
    expect(row!.status).toBe('pending');
  });

  it('Should list organisations awaiting verification first', async () => {
    await newOrganization('enterprise');
    const res = await callJson('/api/v1/admin/organizations?limit=100', { token: await adminToken() });
    expect(res.status).toBe(200);
    const statuses: string[] = res.body.items.map((o: { status: string }) => o.status);
    expect(statuses[0]).toBe('pending');
    expect(statuses.lastIndexOf('pending')).toBeLessThan(statuses.indexOf('verified'));
    expect(res.body.items.some((o: { kind: string }) => o.kind === 'platform')).toBe(false);
    const pending = await callJson('/api/v1/admin/organizations?status=pending', { token: await adminToken() });
    expect(pending.body.items.every((o: { status: string }) => o.status === 'pending')).toBe(true);
    expect(pending.body.items[0].ownerEmails).toHaveLength(1);
  });

  it('Should page the admin list with a cursor without repeating or skipping', async () => {
    const admin = await adminToken();
    const all = await callJson('/api/v1/admin/organizations?limit=100', { token: admin });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await callJson(`/api/v1/admin/organizations?limit=4${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      seen.push(...page.body.items.map((o) => o.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((o: { id: string }) => o.id));
  });
});

describe('invoice terms need a verified buyer', () => {
  it('Should refuse credit terms for a pending organisation (409), leaving it unchanged', async () => {
    const org = await newOrganization('canteen');
    const res = await callJson(`/api/v1/admin/organizations/${org.id}/credit-terms`, { method: 'POST', token: await adminToken(), json: { paymentTermsDays: 30, creditLimitFen: 500_000 } });
    expect(res.status).toBe(409);
    const row = await env.DB.prepare('SELECT payment_terms_days AS days, credit_limit_fen AS limitFen FROM organization WHERE id = ?').bind(org.id).first();
    expect(row).toEqual({ days: 0, limitFen: 0 });
    expect((await auditRows(org.id)).some((a) => a.action === 'organization.credit_terms')).toBe(false);
  });

  it('Should refuse credit terms for a cooperative (409)', async () => {
    const res = await callJson(`/api/v1/admin/organizations/${orgIds.coopA}/credit-terms`, { method: 'POST', token: await adminToken(), json: { paymentTermsDays: 30, creditLimitFen: 1 } });
    expect(res.status).toBe(409);
  });

  it('Should set terms for a verified buyer with before/after in the audit log', async () => {
    const org = await newOrganization('enterprise', { verified: true });
    const res = await callJson(`/api/v1/admin/organizations/${org.id}/credit-terms`, { method: 'POST', token: await adminToken(), json: { paymentTermsDays: 45, creditLimitFen: 8_000_000 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ paymentTermsDays: 45, creditLimitFen: 8_000_000, capabilities: { invoiceTerms: true } });
    const audit = (await auditRows(org.id)).find((a) => a.action === 'organization.credit_terms');
    expect(audit).toMatchObject({ before: { paymentTermsDays: 0, creditLimitFen: 0 }, after: { paymentTermsDays: 45, creditLimitFen: 8_000_000 } });
  });

  it.each([
    [{ paymentTermsDays: -1, creditLimitFen: 0 }, 'body.paymentTermsDays'],
    [{ paymentTermsDays: 30, creditLimitFen: 1.5 }, 'body.creditLimitFen'],
    [{ paymentTermsDays: 30 }, 'body.creditLimitFen'],
  ])('Should refuse bad terms %j with 400', async (body, path) => {
    const res = await callJson(`/api/v1/admin/organizations/${orgIds.canteen}/credit-terms`, { method: 'POST', token: await adminToken(), json: body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe(path);
  });

  it("Should show the seeded canteen's terms to its purchaser, but not let the purchaser set them", async () => {
    const purchaser = await demoToken('canteenPurchaser');
    const org = await callJson(`/api/v1/organizations/${orgIds.canteen}`, { token: purchaser });
    expect(org.body).toMatchObject({ paymentTermsDays: 30, creditLimitFen: 20_000_000, capabilities: { invoiceTerms: true }, myRole: 'purchaser' });
    const res = await callJson(`/api/v1/admin/organizations/${orgIds.canteen}/credit-terms`, { method: 'POST', token: purchaser, json: { paymentTermsDays: 180, creditLimitFen: 1 } });
    expect(res.status).toBe(403);
  });
});
