import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, getPage, postForm, sessionCookie } from '../helpers/accounts';
import { callJson, demoToken } from '../helpers/http';
import { CANTEEN, makeCooperative, makeProduct, orderRowCounts, row, rows } from '../helpers/orders';
import { canteenTokens, placeCanteenOrder } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';

/**
 * A purchaser sees, changes and withdraws their own request while it waits (the demo purchaser's limit is
 * ¥20,000); the owner sees what changed and never approves a version they did not see.
 */

type Approval = { id: string; status: string; revision: number; revisedAt: number | null; totalFen: number; request: { items: { productId: string; quantity: number }[] } };

let tokens: Awaited<ReturnType<typeof canteenTokens>>;
let ham: string; // ¥8,000 a case
let rice: string; // ¥500 a bag, sold from 2 bags in steps of 2
const approvals = `/api/v1/organizations/${CANTEEN}/approvals`;

beforeAll(async () => {
  await seedDatabase();
  tokens = await canteenTokens();
  const coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
  ham = await makeProduct({ cooperativeId: coop, unitPriceFen: 800_000, stock: 500, category: 'ham' });
  rice = await makeProduct({ cooperativeId: coop, unitPriceFen: 50_000, stock: 500, category: 'grain', minOrderQuantity: 2, orderStep: 2 });
  // The races approve a dozen orders on invoice terms: credit must not be what refuses the next request.
  await env.DB.prepare('UPDATE organization SET credit_limit_fen = 1000000000 WHERE id = ?').bind(CANTEEN).run();
});

async function pendingRequest(quantity = 3): Promise<Approval> {
  const res = await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity }]);
  expect(res.status).toBe(202);
  return res.body as Approval;
}

const revise = (id: string, items: { productId: string; quantity: number }[], token = tokens.purchaser) =>
  callJson<Approval & { errors?: { rule?: string; path: string }[] }>(`${approvals}/${id}`, { method: 'PATCH', token, json: { items } });
const withdraw = (id: string, token = tokens.purchaser) => callJson<Approval>(`${approvals}/${id}/withdraw`, { method: 'POST', token });
const approvalRow = (id: string) => row<{ status: string; revision: number; total_fen: number; request: string }>('SELECT status, revision, total_fen, request FROM purchase_approvals WHERE id = ?', id);
const unchanged = async (id: string) => ({ approval: await approvalRow(id), counts: await orderRowCounts(), notices: (await row<{ n: number }>('SELECT count(*) AS n FROM notifications')).n });

describe('a purchaser changes a pending request', () => {
  it('Should price the new lines now, bump the revision, audit both versions and tell the owners', async () => {
    const approval = await pendingRequest(3);
    const { status, body } = await revise(approval.id, [
      { productId: ham, quantity: 4 },
      { productId: rice, quantity: 6 },
    ]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'pending', revision: 1, totalFen: 4 * 800_000 + 6 * 50_000 });
    expect(body.request.items).toEqual([
      { productId: ham, quantity: 4 },
      { productId: rice, quantity: 6 },
    ]);
    expect(body.revisedAt).toBeGreaterThan(0);
    const audit = await row<{ before: string; after: string }>(`SELECT before, after FROM audit_log WHERE entity_id = ? AND action = 'approval.revise'`, approval.id);
    expect(JSON.parse(audit.before)).toMatchObject({ revision: 0, totalFen: 2_400_000, items: [{ productId: ham, quantity: 3 }] });
    expect(JSON.parse(audit.after)).toMatchObject({ revision: 1, totalFen: 3_500_000 });
    const notice = await row<{ kind: string; user_id: string | null }>(`SELECT kind, user_id FROM notifications WHERE organization_id = ? ORDER BY created_at DESC, rowid DESC`, CANTEEN);
    expect(notice).toMatchObject({ kind: 'approval.revised', user_id: null });
  });

  it('Should refuse a line against the order rules (below the minimum) by its rule and write nothing', async () => {
    const approval = await pendingRequest(3);
    const before = await unchanged(approval.id);
    const { status, body } = await revise(approval.id, [{ productId: rice, quantity: 1 }]);
    expect(status).toBe(422);
    expect(body.errors![0]).toMatchObject({ path: 'body.items.0.quantity', rule: 'below_minimum' });
    expect(await unchanged(approval.id)).toEqual(before);
  });

  it('Should refuse an empty list of lines (400) and write nothing', async () => {
    const approval = await pendingRequest(3);
    const before = await unchanged(approval.id);
    expect((await revise(approval.id, [])).status).toBe(400);
    expect(await unchanged(approval.id)).toEqual(before);
  });

  it('Should answer 404 to another purchaser and outsiders, 403 to a member and (rule not_requester) the owner, writing nothing', async () => {
    const approval = await pendingRequest(3);
    const other = await addMember(CANTEEN, 'purchaser');
    const member = await addMember(CANTEEN, 'member');
    const before = await unchanged(approval.id);
    expect((await revise(approval.id, [{ productId: ham, quantity: 1 }], other.token)).status).toBe(404);
    expect((await withdraw(approval.id, other.token)).status).toBe(404);
    const byOwner = await revise(approval.id, [{ productId: ham, quantity: 1 }], tokens.owner);
    expect(byOwner.status).toBe(403);
    expect(byOwner.body.errors![0]!.rule).toBe('not_requester');
    expect((await withdraw(approval.id, tokens.owner)).status).toBe(403);
    expect((await revise(approval.id, [{ productId: ham, quantity: 1 }], member.token)).status).toBe(403);
    expect((await withdraw(approval.id, await demoToken('showroomManager'))).status).toBe(404);
    expect(await unchanged(approval.id)).toEqual(before);
  });

  it('Should refuse to change or withdraw a decided request (409, rule approval_decided) and write nothing', async () => {
    const approval = await pendingRequest(3);
    expect((await callJson(`${approvals}/${approval.id}/reject`, { method: 'POST', token: tokens.owner, json: { reason: '预算不足' } })).status).toBe(200);
    const before = await unchanged(approval.id);
    const changed = await revise(approval.id, [{ productId: ham, quantity: 1 }]);
    expect(changed.status).toBe(409);
    expect(changed.body.errors![0]!.rule).toBe('approval_decided');
    expect((await withdraw(approval.id)).status).toBe(409);
    expect(await unchanged(approval.id)).toEqual(before);
  });
});

describe('the owner decides the version they saw', () => {
  it('Should place the changed quantities when the owner approves after a change', async () => {
    const approval = await pendingRequest(3);
    await revise(approval.id, [{ productId: ham, quantity: 5 }]);
    const { status, body } = await callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner, json: { revision: 1 } });
    expect(status).toBe(200);
    expect(body.order.lines).toEqual([expect.objectContaining({ productId: ham, quantity: 5 })]);
  });

  it('Should refuse an approval of a revision the purchaser has changed since (409, approval_revised), placing nothing', async () => {
    const approval = await pendingRequest(3);
    await revise(approval.id, [{ productId: ham, quantity: 4 }]);
    const before = await unchanged(approval.id);
    const { status, body } = await callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner, json: { revision: 0 } });
    expect(status).toBe(409);
    expect(body.errors[0].rule).toBe('approval_revised');
    expect(await unchanged(approval.id)).toEqual(before);
  });

  it('Should never place a version nobody approved when a change and an approval race (10 rounds)', async () => {
    for (let round = 0; round < 10; round += 1) {
      const approval = await pendingRequest(3);
      // The owner approves the version they looked at (revision 0), as the page does; an approval that names no
      // revision and reads after the change would rightly approve the changed version.
      const [approved, changed] = await Promise.all([
        callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner, json: { revision: 0 } }),
        revise(approval.id, [{ productId: ham, quantity: 6 }]),
      ]);
      const final = await approvalRow(approval.id);
      if (approved.status === 200) {
        // Approved first: the change was refused and the order holds the quantities that were approved.
        expect(changed.status).toBe(409);
        expect(final).toMatchObject({ status: 'approved', revision: 0 });
        expect(approved.body.order.lines[0].quantity).toBe(3);
      } else {
        expect(approved.status).toBe(409);
        expect(changed.status).toBe(200);
        expect(final).toMatchObject({ status: 'pending', revision: 1 });
      }
    }
  });

  it('Should show the owner each change on the approvals page, and approve only the revision on screen', async () => {
    const approval = await pendingRequest(3);
    const ownerCookie = await sessionCookie('canteen-owner@shanhai.local');
    await revise(approval.id, [{ productId: ham, quantity: 4 }]);
    const page = await (await getPage(`/procurement/approvals?org=${CANTEEN}`, ownerCookie)).text();
    const card = page.slice(page.indexOf(`id="${approval.id}"`));
    expect(card).toContain('修改记录（1 次）');
    expect(card).toMatch(/× 3 → 4/);
    expect(card).toContain('name="revision" value="1"');
    await revise(approval.id, [{ productId: ham, quantity: 5 }]);
    const stale = await postForm(`/procurement/approvals/${approval.id}/approve`, { org: CANTEEN, revision: '1' }, { cookie: ownerCookie });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('申请人在你查看后修改了这笔申请');
    expect((await approvalRow(approval.id)).status).toBe('pending');
  });
});

describe('a purchaser withdraws a pending request', () => {
  it('Should withdraw it once: the owners are told, the owner can no longer approve it', async () => {
    const approval = await pendingRequest(3);
    const { status, body } = await withdraw(approval.id);
    expect(status).toBe(200);
    expect(body.status).toBe('withdrawn');
    const audit = await rows<{ action: string }>(`SELECT action FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid`, approval.id);
    expect(audit.map((a) => a.action)).toEqual(['approval.request', 'approval.withdraw']);
    expect((await row<{ kind: string }>(`SELECT kind FROM notifications WHERE organization_id = ? ORDER BY created_at DESC, rowid DESC`, CANTEEN)).kind).toBe('approval.withdrawn');
    const before = await unchanged(approval.id);
    expect((await withdraw(approval.id)).status).toBe(409);
    expect((await callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner })).status).toBe(409);
    expect(await unchanged(approval.id)).toEqual(before);
  });

  it('Should change and withdraw from the approvals page without JavaScript, in Chinese', async () => {
    const approval = await pendingRequest(3);
    const cookie = await sessionCookie('canteen@shanhai.local');
    const page = await (await getPage(`/procurement/approvals?org=${CANTEEN}`, cookie)).text();
    expect(page).toContain(`action="/procurement/approvals/${approval.id}/revise"`);
    expect(page).toContain(`name="qty.${ham}"`);
    const changed = await postForm(`/procurement/approvals/${approval.id}/revise`, { org: CANTEEN, [`qty.${ham}`]: '2', [`qty.${rice}`]: '0' }, { cookie });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('已保存修改');
    expect((await approvalRow(approval.id)).total_fen).toBe(1_600_000);
    const refused = await postForm(`/procurement/approvals/${approval.id}/revise`, { org: CANTEEN, [`qty.${ham}`]: '0' }, { cookie });
    expect(refused.status).toBe(400);
    const wrongStep = await postForm(`/procurement/approvals/${approval.id}/revise`, { org: CANTEEN, [`qty.${ham}`]: '1', [`qty.${rice}`]: '3' }, { cookie });
    expect(wrongStep.status).toBe(422);
    expect(await wrongStep.text()).toContain('递增');
    const withdrawn = await postForm(`/procurement/approvals/${approval.id}/withdraw`, { org: CANTEEN }, { cookie });
    expect(withdrawn.status).toBe(200);
    expect(await withdrawn.text()).toContain('已撤回申请');
    expect((await approvalRow(approval.id)).status).toBe('withdrawn');
  });
});
