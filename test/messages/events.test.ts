/**
 * One test per event: the right recipients, in the recipient's locale, with the right template parameters.
 * Each event is driven the way a client would (HTTP, or the cron); then the delivery queue's consumer runs
 * with no provider configured and the local outbox records exactly what would have been sent.
 */
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { productId, userId } from '../../seeds/seed';
import { runScheduledJobs } from '../../src/jobs/scheduled';
import { formatFen } from '../../src/lib/money';
import { orgIds } from '../helpers/accounts';
import { createOrder } from '../helpers/fulfilment';
import { callJson, demoToken, freshIp, newUser } from '../helpers/http';
import { joinGroupBuy, nextPhone, openGroupBuy } from '../helpers/group-buys';
import { coops } from '../helpers/cooperatives';
import { deliver, deliveries, shanghaiTime } from '../helpers/messages';
import { makeCooperative, makeProduct } from '../helpers/orders';
import { canteenTokens, placeCanteenOrder } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';

const HAM = productId('XW-HAM-001');
const post = (path: string, token?: string, json?: unknown) => callJson(path, { method: 'POST', token, json });

/** The newest notification of `kind` matching `where`, delivered through the local outbox. */
async function sent(kind: string, where = '1 = 1', ...binds: unknown[]) {
  const row = await env.DB.prepare(`SELECT id, user_id, organization_id, phone, payload, title_zh, title_en FROM notifications WHERE kind = ? AND ${where} ORDER BY created_at DESC, rowid DESC LIMIT 1`)
    .bind(kind, ...binds)
    .first<{ id: string; user_id: string | null; organization_id: string | null; phone: string | null; payload: string | null; title_zh: string; title_en: string }>();
  expect(row, `a ${kind} notification`).not.toBeNull();
  await deliver([{ notificationId: row!.id }], { env });
  const list = await deliveries(row!.id);
  return { row: row!, sms: list.find((d) => d.channel === 'sms'), email: list.find((d) => d.channel === 'email') };
}

const emailOf = async (key: Parameters<typeof userId>[0]) => (await env.DB.prepare('SELECT email FROM user WHERE id = ?').bind(userId(key)).first<{ email: string }>())!.email;
const setLocale = (key: Parameters<typeof userId>[0], locale: string) => env.DB.prepare('UPDATE user SET locale = ? WHERE id = ?').bind(locale, userId(key)).run();

let showroom: string;
beforeAll(async () => {
  // The afternoon in Shanghai, whenever the suite runs: SMS quiet hours (21:00–08:00) would hold the texts.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(shanghaiTime(14));
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

afterAll(() => {
  vi.useRealTimers();
});

describe('group buys', () => {
  it('Should text each participant that the group formed, with the title, pickup point and pickup code', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1, title: '普洱拼团' });
    const joined = await joinGroupBuy(group.id, { phone: '13911110001' });
    expect((await post(`/api/v1/group-buys/${group.id}/close`, showroom)).status).toBe(200);
    const { row, sms } = await sent('group_buy.participant_formed', 'phone = ?', '13911110001');
    expect(sms).toMatchObject({ status: 'sent', provider: 'local', recipient: '13911110001' });
    expect(sms!.content).toEqual({ templateCode: 'group_formed', params: { title: '普洱拼团', pickup: expect.stringContaining(''), code: joined.body.pickupCode } });
    expect(sms!.content.params.pickup.length).toBeGreaterThan(0);
    // The organiser's organisation hears too (by e-mail to its owners).
    const organiser = await sent('group_buy.succeeded', "json_extract(payload, '$.groupBuyId') = ?", group.id);
    expect(organiser.email!.recipient).toBe(await emailOf('showroomManager'));
    expect(row.user_id).toBeNull();
  });

  it('Should text each participant that the group failed and the payment is refunded', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 5, title: '火腿拼团' });
    await joinGroupBuy(group.id, { phone: '13911110002' });
    await post(`/api/v1/group-buys/${group.id}/close`, showroom);
    const { sms } = await sent('group_buy.participant_failed', 'phone = ?', '13911110002');
    expect(sms!.content).toEqual({ templateCode: 'group_failed', params: { title: '火腿拼团' } });
  });
});

describe('the pickup reminder', () => {
  it('Should remind each participant from 18:00 Shanghai the evening before the window, once, with time, place and code', async () => {
    const HOUR = 3_600_000;
    // A window opening 10:00 Shanghai (02:00 UTC) two days from now; the evening before is 18:00 (10:00 UTC) the day before.
    const day = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR + 2 * 24 * HOUR;
    const opens = day + 2 * HOUR;
    const group = await openGroupBuy(showroom, {
      minParticipants: 1,
      title: '黑米拼团',
      closesAt: new Date(Date.now() + HOUR).toISOString(),
      pickupStartsAt: new Date(opens).toISOString(),
      pickupEndsAt: new Date(opens + 2 * HOUR).toISOString(),
    });
    const joined = await joinGroupBuy(group.id, { phone: '13911110003' });
    await post(`/api/v1/group-buys/${group.id}/close`, showroom);
    const evening = opens - 16 * HOUR; // 18:00 Shanghai the day before
    const count = async () => (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE kind = 'group_buy.pickup_reminder' AND phone = ?").bind('13911110003').first<{ n: number }>())!.n;
    await runScheduledJobs(env, evening - 60_000);
    expect(await count()).toBe(0);
    await runScheduledJobs(env, evening + 60_000);
    await runScheduledJobs(env, evening + 2 * HOUR);
    expect(await count()).toBe(1);
    const { sms, row } = await sent('group_buy.pickup_reminder', 'phone = ?', '13911110003');
    const date = new Date(opens + 8 * HOUR);
    const dateZh = `${date.getUTCMonth() + 1}月${date.getUTCDate()}日`;
    expect(sms!.content).toEqual({ templateCode: 'pickup_reminder', params: { title: '黑米拼团', pickup: expect.any(String), time: `${dateZh} 10:00-12:00`, code: joined.body.pickupCode } });
    expect(JSON.parse(row.payload!).pickupStartsAt).toBe(opens);
    expect(row.title_zh).toMatch(new RegExp(`^明天（${dateZh}）10:00-12:00 在 .+ 提货「黑米拼团」，提货码 ${joined.body.pickupCode}$`));
  });

  it('Should say "today", not "tomorrow", when the group forms on the pickup day itself', async () => {
    const HOUR = 3_600_000;
    // The window opens at 20:00 Shanghai (12:00 UTC) tomorrow; the group forms and the job runs at 09:00 Shanghai that day.
    const day = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR + 24 * HOUR;
    const opens = day + 12 * HOUR;
    const group = await openGroupBuy(showroom, {
      minParticipants: 1,
      title: '当日团',
      closesAt: new Date(Date.now() + HOUR).toISOString(),
      pickupStartsAt: new Date(opens).toISOString(),
      pickupEndsAt: new Date(opens + 2 * HOUR).toISOString(),
    });
    await joinGroupBuy(group.id, { phone: '13911110013' });
    await post(`/api/v1/group-buys/${group.id}/close`, showroom);
    await runScheduledJobs(env, day + 1 * HOUR); // 09:00 Shanghai on the pickup day
    const { sms, row } = await sent('group_buy.pickup_reminder', 'phone = ?', '13911110013');
    const date = new Date(opens + 8 * HOUR);
    const dateZh = `${date.getUTCMonth() + 1}月${date.getUTCDate()}日`;
    expect(row.title_zh).toMatch(new RegExp(`^今天（${dateZh}）20:00-22:00 在 `));
    expect(row.title_en).toMatch(/^Pickup today \(\d{2}-\d{2}\) 20:00-22:00 at /);
    expect((sms!.content as { params: { time: string } }).params.time).toBe(`${dateZh} 20:00-22:00`);
  });
});

describe('orders and shipments', () => {
  it('Should tell the buyer the parcel shipped, with carrier and tracking number, then that it was delivered', async () => {
    const staffA = await demoToken('coopStaffA');
    await setLocale('buyer', 'en');
    const order = await createOrder({ buyerUserId: userId('buyer'), parts: [{ lines: [{ productId: HAM, quantity: 1 }] }] });
    const [id] = order.shipmentIds;
    await post(`/api/v1/shipments/${id}/accept`, staffA);
    await post(`/api/v1/shipments/${id}/ship`, staffA, { carrier: '顺丰速运', trackingNumber: 'SF1234567890' });
    const shipped = await sent('shipment.shipped', "json_extract(payload, '$.orderId') = ?", order.orderId);
    expect(shipped.row.user_id).toBe(userId('buyer'));
    expect(shipped.email).toMatchObject({ recipient: await emailOf('buyer') });
    expect(shipped.email!.content.subject).toBe(`Order ${order.orderId} has shipped: 顺丰速运 SF1234567890`);
    expect(shipped.sms!.content).toEqual({ templateCode: 'shipment_shipped', params: { order: order.orderId.slice(0, 20), carrier: '顺丰速运', tracking: 'SF1234567890' } });
    await post(`/api/v1/shipments/${id}/deliver`, staffA);
    const delivered = await sent('shipment.delivered', "json_extract(payload, '$.orderId') = ?", order.orderId);
    expect(delivered.email!.content.subject).toContain('was delivered');
    await setLocale('buyer', 'zh');
  });

  it('Should not announce a shipment twice when shipping it a second time is refused', async () => {
    const staffA = await demoToken('coopStaffA');
    const order = await createOrder({ buyerUserId: userId('buyer'), parts: [{ lines: [{ productId: HAM, quantity: 1 }] }] });
    const [id] = order.shipmentIds;
    await post(`/api/v1/shipments/${id}/accept`, staffA);
    expect((await post(`/api/v1/shipments/${id}/ship`, staffA, { carrier: '顺丰速运', trackingNumber: 'SF9876543210' })).status).toBe(200);
    expect((await post(`/api/v1/shipments/${id}/ship`, staffA, { carrier: '顺丰速运', trackingNumber: 'SF1111111111' })).status).toBe(409);
    const n = await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE kind = 'shipment.shipped' AND json_extract(payload, '$.orderId') = ?").bind(order.orderId).first<{ n: number }>();
    expect(n!.n).toBe(1);
  });
});

describe('institutions', () => {
  let ham: string;
  beforeAll(async () => {
    const coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
    ham = await makeProduct({ cooperativeId: coop, unitPriceFen: 800_000, stock: 50, category: 'ham' });
  });

  it('Should mail the owners an approval request, and the purchaser the decision in their locale', async () => {
    const tokens = await canteenTokens();
    await setLocale('canteenPurchaser', 'en');
    const held = await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity: 3 }]);
    expect(held.status).toBe(202);
    const requested = await sent('approval.requested', "json_extract(payload, '$.approvalId') = ?", held.body.id);
    expect(requested.email!.recipient).toBe(await emailOf('canteenOwner'));
    await post(`/api/v1/organizations/${orgIds.canteen}/approvals/${held.body.id}/approve`, tokens.owner);
    const decided = await sent('approval.approved', "json_extract(payload, '$.approvalId') = ?", held.body.id);
    expect(decided.email).toMatchObject({ recipient: await emailOf('canteenPurchaser') });
    expect(decided.email!.content.subject).toBe('Your purchase was approved and ordered');
    await setLocale('canteenPurchaser', 'zh');
  });

  it('Should remind the organisation 3 days before an invoice falls due (once), then say it is overdue', async () => {
    const tokens = await canteenTokens();
    const placed = await placeCanteenOrder(tokens.owner, [{ productId: ham, quantity: 1 }]);
    expect(placed.status).toBe(201);
    const { due } = (await env.DB.prepare('SELECT invoice_due_at AS due FROM orders WHERE id = ?').bind(placed.body.id).first<{ due: number }>())!;
    await runScheduledJobs(env, due - 2 * 24 * 3600 * 1000);
    await runScheduledJobs(env, due - 1 * 24 * 3600 * 1000);
    const reminders = await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE kind = 'invoice.due_soon' AND json_extract(payload, '$.orderId') = ?").bind(placed.body.id).first<{ n: number }>();
    expect(reminders!.n).toBe(1);
    const soon = await sent('invoice.due_soon', "json_extract(payload, '$.orderId') = ?", placed.body.id);
    expect(soon.email!.recipient).toBe(await emailOf('canteenOwner'));
    expect(soon.email!.content.text).toContain('¥8,000.00');
    await runScheduledJobs(env, due + 1000);
    const overdue = await sent('invoice.overdue', "json_extract(payload, '$.orderId') = ?", placed.body.id);
    expect(overdue.row.organization_id).toBe(orgIds.canteen);
    expect(JSON.parse(overdue.row.payload!)).toMatchObject({ orderId: placed.body.id, invoiceDueAt: due, totalFen: 800_000 });
    expect(overdue.email).toMatchObject({ recipient: await emailOf('canteenOwner') });
    expect(overdue.email!.content.subject).toBe('发票已逾期，请尽快转账');
  });

  it('Should mail an invitation to the invited address with its link', async () => {
    const tokens = await canteenTokens();
    const invited = `cook-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const res = await post(`/api/v1/organizations/${orgIds.canteen}/invitations`, tokens.owner, { email: invited, role: 'member' });
    expect(res.status).toBe(201);
    const { email } = await sent('invitation.email', "json_extract(payload, '$.to') = ?", invited);
    expect(email!.recipient).toBe(invited);
    expect(email!.content.text).toContain('/invitations/');
  });

  it('Should tell the buyer an invoice order was paid once the platform confirms the transfer', async () => {
    const tokens = await canteenTokens();
    const placed = await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity: 1 }]);
    const payment = await env.DB.prepare('SELECT id FROM payments WHERE order_id = ?').bind(placed.body.id).first<{ id: string }>();
    expect((await post(`/api/v1/admin/payments/${payment!.id}/confirm`, tokens.admin, { bankReference: 'ICBC 2026-12-04 #1' })).status).toBe(200);
    const { row, sms, email } = await sent('order.paid', "json_extract(payload, '$.orderId') = ?", placed.body.id);
    expect(row.user_id).toBe(userId('canteenPurchaser'));
    expect(sms!.content).toEqual({ templateCode: 'order_paid', params: { order: placed.body.id.slice(0, 20), amount: '¥8,000.00' } });
    expect(email!.recipient).toBe(await emailOf('canteenPurchaser'));
  });
});

describe('accounts', () => {
  it('Should mail a password reset link to the account’s address', async () => {
    const person = await newUser('重置测试');
    const res = await callJson('/api/auth/request-password-reset', { method: 'POST', json: { email: person.email, redirectTo: '/reset-password' }, headers: { 'cf-connecting-ip': freshIp() } });
    expect(res.status).toBe(200);
    const { email } = await sent('auth.password_reset_link', 'user_id = ?', person.id);
    expect(email!.recipient).toBe(person.email);
    expect(email!.content.text).toMatch(/\/api\/auth\/reset-password\/[A-Za-z0-9]+/);
  });

  it('Should mail a verification link when a member of staff signs up by e-mail', async () => {
    const person = await newUser('新员工');
    const { email } = await sent('auth.verify_email', 'user_id = ?', person.id);
    expect(email!.recipient).toBe(person.email);
    expect(email!.content.text).toContain('/api/auth/verify-email?token=');
  });

  it('Should text a sign-in code with only the code as parameter, and never mail it', async () => {
    await callJson('/api/auth/phone-number/send-otp', { method: 'POST', json: { phoneNumber: '13911110009' }, headers: { 'cf-connecting-ip': freshIp() } });
    const { row, sms, email } = await sent('auth.sign_in_code', 'phone = ?', '13911110009');
    expect(sms!.content).toEqual({ templateCode: 'sign_in_code', params: { code: JSON.parse(row.payload!).code } });
    expect(email).toBeUndefined();
  });
});

describe('password reset by SMS', () => {
  it('Should text a reset code to a phone account (code only, never mailed), and the code sets a new password once', async () => {
    const phoneNumber = '13911110019';
    const ip = freshIp();
    await callJson('/api/auth/phone-number/send-otp', { method: 'POST', json: { phoneNumber }, headers: { 'cf-connecting-ip': ip } });
    const signIn = await sent('auth.sign_in_code', 'phone = ?', phoneNumber);
    expect((await callJson('/api/auth/phone-number/verify', { method: 'POST', json: { phoneNumber, code: JSON.parse(signIn.row.payload!).code }, headers: { 'cf-connecting-ip': ip } })).status).toBe(200);
    const asked = await callJson('/api/auth/phone-number/request-password-reset', { method: 'POST', json: { phoneNumber }, headers: { 'cf-connecting-ip': freshIp() } });
    expect(asked.status).toBe(200);
    const { row, sms, email } = await sent('auth.password_reset_code', 'phone = ?', phoneNumber);
    const code = JSON.parse(row.payload!).code as string;
    expect(sms!.content).toEqual({ templateCode: 'password_reset', params: { code } });
    expect(email).toBeUndefined();
    const reset = (otp: string) => callJson('/api/auth/phone-number/reset-password', { method: 'POST', json: { phoneNumber, otp, newPassword: 'new-password-2026' }, headers: { 'cf-connecting-ip': freshIp() } });
    expect((await reset(code)).status).toBe(200);
    expect((await reset(code)).status).toBeGreaterThanOrEqual(400);
  });
});

describe('settlements', () => {
  it('Should mail the cooperative that its statement was paid, with the net and bank reference', async () => {
    const admin = await demoToken('admin');
    const at = Date.parse('2026-01-15T02:00:00Z');
    await createOrder({ at, parts: [{ lines: [{ productId: HAM, quantity: 2 }], status: 'delivered' }] });
    const generated = await callJson('/api/v1/admin/settlements', { method: 'POST', token: admin, json: { periodStart: '2026-01-01', periodEnd: '2026-01-31' } });
    expect(generated.status).toBe(201);
    const statement = (generated.body.items as { id: string; cooperativeId: string; netFen: number }[]).find((s) => s.cooperativeId === coops.a)!;
    expect((await post(`/api/v1/admin/settlements/${statement.id}/paid`, admin, { bankReference: 'ICBC-20260205-0001' })).status).toBe(200);
    const { row, email, sms } = await sent('settlement.paid', "json_extract(payload, '$.settlementId') = ?", statement.id);
    expect(row.organization_id).toBe(coops.a);
    // The cooperative has clerks and no owner account: they hear of it.
    expect(email!.recipient).toBe(await emailOf('coopStaffA'));
    expect(email!.content.text).toContain('ICBC-20260205-0001');
    expect(email!.content.subject).toContain(formatFen(statement.netFen));
    expect(sms).toBeUndefined();
    // And it is in the cooperative's inbox.
    const inbox = await callJson(`/api/v1/messages?organizationId=${coops.a}`, { token: await demoToken('coopStaffA') });
    expect(inbox.body.items.map((i: { kind: string }) => i.kind)).toContain('settlement.paid');
  });
});

describe('a new group buy at my pickup point (marketing)', () => {
  /** A signed-in resident who joined a group buy at the showroom and collected it. */
  async function regular(name: string) {
    const person = await newUser(name);
    const earlier = await openGroupBuy(showroom, { minParticipants: 1, title: `${name}的上一团` });
    const joined = await joinGroupBuy(earlier.id, { phone: nextPhone() }, { token: person.token });
    expect(joined.status).toBe(201);
    // Fixture: the earlier group formed and was collected.
    await env.DB.prepare("UPDATE group_buy_participants SET status = 'picked_up' WHERE id = ?").bind(joined.body.participantId).run();
    return person;
  }
  const opened = (groupBuyId: string) =>
    env.DB.prepare("SELECT id, user_id FROM notifications WHERE kind = 'group_buy.opened' AND json_extract(payload, '$.groupBuyId') = ?").bind(groupBuyId).all<{ id: string; user_id: string }>();

  it("Should tell the pickup point's regulars, except those who turned marketing off, once each", async () => {
    const keen = await regular('常客');
    const quiet = await regular('免打扰');
    expect((await callJson('/api/v1/messages/preferences', { method: 'PUT', token: quiet.token, json: { marketing: false } })).status).toBe(200);
    const group = await openGroupBuy(showroom, { minParticipants: 1, title: '新团：无量山香菇' });
    const rows = (await opened(group.id)).results;
    expect(rows.map((r) => r.user_id)).toContain(keen.id);
    expect(rows.map((r) => r.user_id)).not.toContain(quiet.id);
    expect(new Set(rows.map((r) => r.user_id)).size).toBe(rows.length);
    const { sms, email } = await sent('group_buy.opened', 'user_id = ? AND id = ?', keen.id, `ntf_opened_${group.id}_${keen.id}`);
    expect(sms!.content).toEqual({ templateCode: 'group_opened', params: { pickup: expect.any(String), title: '新团：无量山香菇', closes: expect.stringMatching(/^\d\d-\d\d \d\d:\d\d$/) } });
    expect(email!.recipient).toBe(keen.email);
    expect(email!.content.text).toContain(`/g/${group.shortCode}`);
  });

  it('Should send nothing when the resident turns marketing off after the notice was written', async () => {
    const person = await regular('后来退订');
    const group = await openGroupBuy(showroom, { minParticipants: 1, title: '新团：紫米' });
    expect((await opened(group.id)).results.map((r) => r.user_id)).toContain(person.id);
    await callJson('/api/v1/messages/preferences', { method: 'PUT', token: person.token, json: { marketing: false } });
    const { sms, email } = await sent('group_buy.opened', 'user_id = ? AND id = ?', person.id, `ntf_opened_${group.id}_${person.id}`);
    expect(sms).toBeUndefined();
    expect(email).toBeUndefined();
  });

  it('Should still send transactional messages to someone who turned marketing off', async () => {
    const person = await regular('只收交易消息');
    await callJson('/api/v1/messages/preferences', { method: 'PUT', token: person.token, json: { marketing: false } });
    await callJson('/api/auth/request-password-reset', { method: 'POST', json: { email: person.email, redirectTo: '/reset-password' }, headers: { 'cf-connecting-ip': freshIp() } });
    const { email } = await sent('auth.password_reset_link', 'user_id = ?', person.id);
    expect(email).toMatchObject({ status: 'sent', recipient: person.email });
  });

  it('Should not count a join that was never paid, nor a pickup point the resident never used', async () => {
    const person = await newUser('没付款');
    const earlier = await openGroupBuy(showroom, { minParticipants: 1, title: '未付款的一团' });
    expect((await joinGroupBuy(earlier.id, { phone: nextPhone() }, { token: person.token })).status).toBe(201);
    const group = await openGroupBuy(showroom, { minParticipants: 1, title: '新团：火腿' });
    expect((await opened(group.id)).results.map((r) => r.user_id)).not.toContain(person.id);
    const elsewhere = await openGroupBuy(await demoToken('canteenOwner'), { organizationId: orgIds.canteen, pickupOrganizationId: orgIds.canteen, minParticipants: 1, title: '食堂团' });
    expect((await opened(elsewhere.id)).results).toEqual([]);
  });
});
