import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { testDb } from '../helpers/impact';
import { runBatch } from '../../src/db/batch';
import { auditEntry } from '../../src/lib/audit';
import { startOfShanghaiDay } from '../../src/lib/time';

type Page = { items: { id: string; action: string; entityType: string; entityId: string; actorLabel: string; createdAt: number }[]; nextCursor: string | null };

let admin: string;
const adminActor = { userId: 'usr_demo_admin', email: 'admin@shanhai.local', name: '平台管理员', isAdmin: true, sessionId: 's', memberships: [] };
const otherActor = { ...adminActor, userId: 'usr_demo_other', email: 'ops@shanhai.local', name: 'Ops' };

beforeAll(async () => {
  await seedDatabase();
  admin = await demoToken('admin');
  const db = testDb();
  const day = (d: string, hour: number) => startOfShanghaiDay(d) + hour * 3_600_000;
  await runBatch(db, [
    auditEntry(db, { actor: adminActor, action: 'order.refund', entityType: 'order', entityId: 'ord_1', at: day('2026-03-01', 9) }),
    auditEntry(db, { actor: adminActor, action: 'order.cancel', entityType: 'order', entityId: 'ord_2', at: day('2026-03-02', 9) }),
    auditEntry(db, { actor: otherActor, action: 'organization.verify', entityType: 'organization', entityId: 'org_x', at: day('2026-03-02', 23) }),
    auditEntry(db, { actor: otherActor, action: 'payment.confirm', entityType: 'payment', entityId: 'pay_1', at: day('2026-03-03', 0) }),
    auditEntry(db, { actor: null, action: 'order_expire', entityType: 'order', entityId: 'ord_3', at: day('2026-03-04', 12) }),
  ]);
});

const list = async (qs: string) => {
  const { status, body } = await callJson<Page>(`/api/v1/admin/audit-log?${qs}`, { token: admin });
  expect(status).toBe(200);
  return body;
};

describe('GET /api/v1/admin/audit-log', () => {
  it('Should list the newest first', async () => {
    const { items } = await list('limit=100');
    expect(items.map((i) => i.entityId)).toEqual(['ord_3', 'pay_1', 'org_x', 'ord_2', 'ord_1']);
  });

  it.each([
    ['action=order.', ['ord_2', 'ord_1']],
    ['action=order_', ['ord_3']],
    ['entityType=order', ['ord_3', 'ord_2', 'ord_1']],
    ['entityType=order&entityId=ord_2', ['ord_2']],
    ['actor=usr_demo_other', ['pay_1', 'org_x']],
    ['actor=ops@shanhai', ['pay_1', 'org_x']],
    ['actor=system', ['ord_3']],
    ['from=2026-03-02&to=2026-03-02', ['org_x', 'ord_2']],
    ['from=2026-03-03', ['ord_3', 'pay_1']],
  ])('Should filter by %s', async (qs, expected) => {
    expect((await list(qs)).items.map((i) => i.entityId)).toEqual(expected);
  });

  it('Should page with a cursor until the end', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.entityId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['ord_3', 'pay_1', 'org_x', 'ord_2', 'ord_1']);
  });

  it.each([
    ['cursor=garbage', 'query.cursor'],
    ['from=2026-02-30', 'query.from'],
    ['from=2026-03-05&to=2026-03-01', 'query.to'],
    ['limit=0', 'query.limit'],
  ])('Should refuse %s with a 400 naming %s', async (qs, path) => {
    const { status, body } = await callJson(`/api/v1/admin/audit-log?${qs}`, { token: admin });
    expect(status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('the /admin/audit page', () => {
  it('Should filter and link to the next page with the filters kept', async () => {
    const res = await call('/admin/audit?entityType=order&limit=2', { token: admin });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect((html.match(/data-audit="/g) ?? []).length).toBe(2);
    expect(html).toContain('order.cancel');
    expect(html).not.toContain('payment.confirm');
    expect(html).toMatch(/href="\/admin\/audit\?entityType=order&amp;limit=2&amp;cursor=[^"]+" rel="next"/);
  });

  it('Should show a bad date as an error, not a crash', async () => {
    const res = await call('/admin/audit?from=2026-13-40', { token: admin });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('role="alert"');
  });
});
