import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, getPage, sessionCookie } from '../helpers/accounts';
import { coops } from '../helpers/cooperatives';
import { BASE } from '../helpers/http';
import { CANTEEN, makeCooperative, makeProduct, row } from '../helpers/orders';
import { CANTEEN_KITCHEN, skuOf } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';
import { runStandingJob, today, todayWeekday } from '../helpers/standing-orders';

/** The standing-order pages, driven like a browser without JavaScript: session cookie, form posts, redirects not followed. */

let purchaser: string;
let riceSku: string;
let scarceSku: string;

beforeAll(async () => {
  await seedDatabase();
  purchaser = await sessionCookie('canteen@shanhai.local');
  const coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
  riceSku = await skuOf(await makeProduct({ cooperativeId: coop, unitPriceFen: 5_000, stock: 1_000, nameZh: '墨江紫米' }));
  scarceSku = await skuOf(await makeProduct({ cooperativeId: coop, unitPriceFen: 5_000, stock: 1, nameZh: '少量香菇' }));
});

const html = async (res: Response) => ({ status: res.status, text: await res.text(), location: res.headers.get('location') });

/** A form post with repeated fields (weekday checkboxes). */
function post(path: string, fields: [string, string][], cookie = purchaser) {
  return exports.default.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: BASE },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

function formFields(overrides: Record<string, string> = {}, weekdays = [todayWeekday()]): [string, string][] {
  const base: Record<string, string> = {
    org: CANTEEN,
    title: '食堂每周紫米',
    sku0: riceSku,
    qty0: '10',
    cadence: 'weekly',
    startDate: today(),
    deliveryLocationId: CANTEEN_KITCHEN,
    paymentMethod: 'invoice',
    tolerance: '5',
    contactName: '王师傅',
    contactPhone: '13800000002',
    ...overrides,
  };
  return [...Object.entries(base), ...weekdays.map((d): [string, string] => ['weekday', String(d)])];
}

async function createThroughForm(overrides: Record<string, string> = {}) {
  const res = await html(await post('/procurement/standing-orders', formFields(overrides)));
  expect(res.status, res.text.slice(0, 500)).toBe(303);
  return res.location!;
}

describe('standing-order pages', () => {
  it('Should list standing orders with a link to set one up, in the procurement sections', async () => {
    const { status, text } = await html(await getPage(`/procurement/standing-orders?org=${CANTEEN}`, purchaser));
    expect(status).toBe(200);
    expect(text).toContain('定期供货');
    expect(text).toContain(`/procurement/standing-orders/new?org=${CANTEEN}`);
    const form = await html(await getPage(`/procurement/standing-orders/new?org=${CANTEEN}`, purchaser));
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="weekday"');
    expect(form.text).toContain(CANTEEN_KITCHEN);
  });

  it('Should set one up from the form and show its next days with a skip button', async () => {
    const location = await createThroughForm();
    expect(location).toMatch(/^\/procurement\/standing-orders\/sto_/);
    const { status, text } = await html(await getPage(location, purchaser));
    expect(status).toBe(200);
    expect(text).toContain('食堂每周紫米');
    expect(text).toContain('定期供货已保存');
    expect(text).toContain(`data-date="${today()}"`);
    expect(text).toContain('跳过这一次');
  });

  it('Should skip one day from the page, show it skipped, and not place it', async () => {
    const location = await createThroughForm({ title: '跳过测试' });
    const id = location.split('/')[3]!.split('?')[0]!;
    const skipped = await html(await post(`/procurement/standing-orders/${id}/skip`, [['org', CANTEEN], ['date', today()]]));
    expect(skipped.status).toBe(303);
    const { text } = await html(await getPage(skipped.location!, purchaser));
    expect(text).toContain('已跳过');
    expect(text).toContain('恢复');
    await runStandingJob();
    expect(await row(`SELECT status FROM standing_order_occurrences WHERE standing_order_id = ? AND occurrence_date = ?`, id, today())).toEqual({ status: 'skipped' });
    const twice = await html(await post(`/procurement/standing-orders/${id}/skip`, [['org', CANTEEN], ['date', today()]]));
    expect(twice.status).toBe(409);
  });

  it('Should word each refusal of the form in the page’s language and keep what was typed', async () => {
    const past = await html(await post('/procurement/standing-orders', formFields({ title: '过去', startDate: '2020-01-06' })));
    expect(past.status).toBe(422);
    expect(past.text).toContain('开始日期不能早于今天');
    expect(past.text).toContain('value="过去"');
    const unknown = await html(await post('/procurement/standing-orders', formFields({ sku0: 'NO-SUCH-SKU' })));
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('没有这个商品编码');
    const noWeekday = await html(await post('/procurement/standing-orders', formFields({}, [])));
    expect(noWeekday.status).toBe(400);
  });

  it('Should show a day that could not be placed with its reason and the buyer’s choices', async () => {
    const location = await createThroughForm({ title: '库存不足测试', sku0: scarceSku, qty0: '5' });
    await runStandingJob();
    const { text } = await html(await getPage(location, purchaser));
    expect(text).toContain('库存不足。');
    expect(text).toContain('重试');
    expect(text).toContain('不下这一单');
  });

  it('Should refuse the form to a member (403) and send a guest to sign in', async () => {
    const member = await addMember(CANTEEN, 'member');
    const cookie = await sessionCookie(member.email, 'test-password-123');
    expect((await getPage(`/procurement/standing-orders/new?org=${CANTEEN}`, cookie)).status).toBe(403);
    expect((await post('/procurement/standing-orders', formFields(), cookie)).status).toBe(403);
    expect((await getPage(`/procurement/standing-orders?org=${CANTEEN}`)).status).toBe(303);
  });

  it('Should show cooperative staff the quantities due on their portal', async () => {
    const ham = await makeProduct({ cooperativeId: coops.a, unitPriceFen: 3_000, stock: 1_000, nameZh: '宣威火腿定期' });
    await createThroughForm({ title: '火腿', sku0: await skuOf(ham), qty0: '3' });
    const staff = await sessionCookie('coop-a@shanhai.local');
    const { status, text } = await html(await getPage(`/portal/standing-demand?coop=${coops.a}`, staff));
    expect(status).toBe(200);
    expect(text).toContain('宣威火腿定期');
    expect(text).not.toContain('宝山区机关食堂');
  });
});
