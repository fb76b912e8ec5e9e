import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { PRODUCTS, SHOWROOM, joinGroupBuy, openGroupBuy, rowCount } from '../helpers/group-buys';

let showroom: string;

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

const form = (fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
  return { method: 'POST', body, redirect: 'manual' as const, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
};

/** The create form as the showroom's manager fills it in; `fields` change or add to it. */
const createForm = (fields: Record<string, string | string[]>) =>
  form({
    organizationId: SHOWROOM,
    title: '十月扶贫日团购',
    closesAt: '2099-01-01T20:00',
    pickupDay: '2099-01-02',
    pickupFrom: '10:00',
    pickupTo: '12:00',
    pickupOrganizationId: SHOWROOM,
    minParticipants: '5',
    ...fields,
  });

describe('the join page', () => {
  it('Should show the group in Chinese with group prices, progress and time left, and in English on request', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 3 });
    await joinGroupBuy(group.id);
    const res = await call(`/g/${group.shortCode}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN"');
    expect(html).toContain('永胜香菇社区团购');
    expect(html).toContain('¥42.80');
    expect(html).toContain('¥48.80');
    expect(html).toContain('aria-valuenow="1"');
    expect(html).toContain('至少 3 人参团');
    expect(html).toContain('剩余时间');
    expect(html).toContain('到自提点提货时付款');
    expect(html).toContain('在线支付暂未开通');
    const en = await (await call(`/g/${group.shortCode}?lang=en`)).text();
    expect(en).toContain('Time left');
    expect(en).toContain('Jingdong Dried Shiitake');
  });

  it('Should join from the form, once per rendered form, and show the pickup code', async () => {
    const group = await openGroupBuy(showroom);
    const fields = { idem: 'form-render-1', name: '王先生', phone: '13912345678', paymentMethod: 'pay_at_pickup', [`qty_${PRODUCTS.shiitake}`]: '2', [`qty_${PRODUCTS.freshShiitake}`]: '0' };
    const res = await call(`/g/${group.shortCode}`, form(fields));
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/g/${group.shortCode}/me\\?token=[0-9a-z]{32}&joined=1$`));
    // A double tap posts the same rendered form again: still one participant.
    const again = await call(`/g/${group.shortCode}`, form(fields));
    expect(again.headers.get('location')).toBe(location);
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(1);

    const me = await call(location);
    expect(me.status).toBe(200);
    const html = await me.text();
    const code = await env.DB.prepare('SELECT pickup_code FROM group_buy_participants WHERE group_buy_id = ?').bind(group.id).first<string>('pickup_code');
    expect(html).toContain(`data-testid="pickup-code">${code}<`);
    expect(html).toContain('参团成功');
    expect(html).toContain('取消参团');
    expect((await call(`/g/${group.shortCode}/me?token=nope`)).status).toBe(404);
  });

  it('Should show the form again with the problem when the join is refused', async () => {
    const group = await openGroupBuy(showroom, { items: [{ productId: PRODUCTS.hamCase, unitPriceFen: 15000 }] });
    const nothing = await call(`/g/${group.shortCode}`, form({ name: '王先生', phone: '13912345678', paymentMethod: 'pay_at_pickup', [`qty_${PRODUCTS.hamCase}`]: '0' }));
    expect(nothing.status).toBe(422);
    expect(await nothing.text()).toContain('请至少选择一件商品');
    const offStep = await call(`/g/${group.shortCode}`, form({ name: '王先生', phone: '13912345678', paymentMethod: 'pay_at_pickup', [`qty_${PRODUCTS.hamCase}`]: '11' }));
    expect(offStep.status).toBe(422);
    const html = await offStep.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('宣威火腿块（食堂箱装）: 起订 10，按 5 递增');
    expect(html).toContain('value="王先生"');
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(0);
  });

  it('Should word refused fields in the page language, led by their labels, not by JSON paths', async () => {
    const group = await openGroupBuy(showroom);
    const bad = { name: '', phone: '123', paymentMethod: 'pay_at_pickup', [`qty_${PRODUCTS.shiitake}`]: '2' };
    const zh = await call(`/g/${group.shortCode}`, form(bad));
    expect(zh.status).toBe(422);
    const html = await zh.text();
    expect(html).toContain('手机号：请填写 11 位大陆手机号');
    expect(html).toMatch(/<li>姓名：[^<]*[\u4e00-\u9fff][^<]*<\/li>/);
    expect(html).not.toMatch(/<li>(name|phone)[:：]/);
    expect(html).not.toMatch(/Too small|Invalid/);

    const en = await call(`/g/${group.shortCode}`, { ...form(bad), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'lang=en' } });
    const english = await en.text();
    expect(english).toContain('Mobile number: A mainland mobile number of 11 digits');
    expect(english).toMatch(/<li>Name: Too small[^<]*<\/li>/);
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(0);
  });

  it('Should say in Chinese how many are left when the stock runs short', async () => {
    const group = await openGroupBuy(showroom, { items: [{ productId: PRODUCTS.freshShiitake, unitPriceFen: 3280, maxQuantity: 1 }] });
    const res = await call(`/g/${group.shortCode}`, form({ name: '王先生', phone: '13912345678', paymentMethod: 'pay_at_pickup', [`qty_${PRODUCTS.freshShiitake}`]: '2' }));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('「永胜六德鲜香菇」只剩 1 件了');
  });

  it('Should let the participant cancel from their page', async () => {
    const group = await openGroupBuy(showroom);
    const joined = await joinGroupBuy(group.id);
    const res = await call(`/g/${group.shortCode}/me/cancel?token=${joined.body.accessToken}`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    const status = await env.DB.prepare('SELECT status FROM group_buy_participants WHERE id = ?').bind(joined.body.participantId).first('status');
    expect(status).toBe('cancelled');
  });

  it('Should answer 404 for an unknown share link', async () => {
    expect((await call('/g/zzzzzzzz')).status).toBe(404);
  });
});

describe('the organiser pages', () => {
  it('Should create a group buy from the form and land on its management page with QR code and share link', async () => {
    const newPage = await call('/group-buys/new', { token: showroom });
    expect(newPage.status).toBe(200);
    const html = await newPage.text();
    expect(html).toContain('发起团购');
    expect(html).toContain(`value="${PRODUCTS.shiitake}"`);

    const items = { include: [PRODUCTS.shiitake, PRODUCTS.freshShiitake], [`price_${PRODUCTS.shiitake}`]: '45.5', [`cap_${PRODUCTS.freshShiitake}`]: '30' };
    const res = await call('/group-buys/new', { token: showroom, ...createForm(items) });
    // 2099 is more than 60 days away: refused with the form kept.
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('十月扶贫日团购');

    const soon = new Date(Date.now() + 8 * 3600_000 + 5 * 24 * 3600_000).toISOString().slice(0, 16);
    const pickupDay = new Date(Date.parse(`${soon}:00+08:00`) + 8 * 3600_000 + 24 * 3600_000).toISOString().slice(0, 10);
    const ok = await call('/group-buys/new', { token: showroom, ...createForm({ ...items, closesAt: soon, pickupDay }) });
    expect(ok.status).toBe(303);
    const manageUrl = ok.headers.get('location')!;
    expect(manageUrl).toMatch(/^\/group-buys\/gb_[0-9a-z]+\/manage$/);
    const id = manageUrl.split('/')[2]!;
    const row = await env.DB.prepare('SELECT closes_at, min_participants, pickup_starts_at, pickup_ends_at FROM group_buys WHERE id = ?')
      .bind(id)
      .first<{ closes_at: number; min_participants: number; pickup_starts_at: number; pickup_ends_at: number }>();
    expect(row!.min_participants).toBe(5);
    // The form's day and times are Beijing time.
    expect(row!.pickup_starts_at).toBe(Date.parse(`${pickupDay}T10:00:00+08:00`));
    expect(row!.pickup_ends_at).toBe(Date.parse(`${pickupDay}T12:00:00+08:00`));
    expect(new Date(row!.closes_at).toISOString().slice(0, 16)).toBe(new Date(Date.parse(`${soon}:00+08:00`)).toISOString().slice(0, 16));
    const price = await env.DB.prepare('SELECT unit_price_fen FROM group_buy_items WHERE group_buy_id = ? AND product_id = ?').bind(id, PRODUCTS.shiitake).first('unit_price_fen');
    expect(price).toBe(4550);

    const manage = await call(manageUrl, { token: showroom });
    expect(manage.status).toBe(200);
    const page = await manage.text();
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(page).toMatch(/http:\/\/localhost:8787\/g\/[0-9a-z]{8}/);
    expect(page).toContain('立即截团');

    const qr = await call(`/group-buys/${id}/qr.svg`);
    expect(qr.headers.get('content-type')).toContain('image/svg+xml');
    const poster = await call(`/group-buys/${id}/poster`);
    expect(await poster.text()).toContain('微信扫码参团');
  });

  it('Should name the create form\'s refused fields by their labels, in Chinese', async () => {
    const res = await call('/group-buys/new', { token: showroom, ...createForm({ title: 'x', closesAt: 'tomorrow', include: [PRODUCTS.shiitake], [`price_${PRODUCTS.shiitake}`]: 'abc' }) });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('团购价（元）：“abc” 不是有效的金额（元）');
    expect(html).toMatch(/<li>团购标题：[^<]*[\u4e00-\u9fff][^<]*<\/li>/);
    expect(html).toMatch(/<li>截止时间（北京时间）：[^<]*<\/li>/);
    expect(html).not.toMatch(/<li>(title|closesAt)[:：]/);
  });

  it("Should word the service's refusals of the create form in Chinese, by the rule each names", async () => {
    const res = await call('/group-buys/new', { token: showroom, ...createForm({ capacity: '3', include: [PRODUCTS.shiitake], [`price_${PRODUCTS.shiitake}`]: '9999' }) });
    expect(res.status).toBe(422);
    const html = await res.text();
    const listPrice = await env.DB.prepare('SELECT unit_price_fen AS p, name_zh AS name FROM products WHERE id = ?').bind(PRODUCTS.shiitake).first<{ p: number; name: string }>();
    expect(html).toContain('截止时间（北京时间）：截止时间最多在 60 天之后');
    expect(html).toContain('名额上限（满员即截团）：名额上限低于最少参团人数，永远无法成团');
    expect(html).toContain(`${listPrice!.name} · 团购价（元）：团购价不能高于原价 ¥${(listPrice!.p / 100).toFixed(2)}`);
    expect(html).not.toMatch(/The deadline|list price|Capacity is/);
  });

  it('Should word pickup window refusals of the create form in Chinese', async () => {
    const res = await call('/group-buys/new', {
      token: showroom,
      ...createForm({ closesAt: '2099-01-01T20:00', pickupDay: '2099-01-01', pickupFrom: '12:00', pickupTo: '10:00', include: [PRODUCTS.shiitake] }),
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('自提结束：结束时间须晚于开始时间');
    expect(html).toContain('自提开始：自提须在截团之后开始');
    expect(html).not.toMatch(/pickup window|after the deadline/i);
  });

  it('Should send a visitor without a session to sign in, and answer 404 to a stranger', async () => {
    const group = await openGroupBuy(showroom);
    const anonymous = await call(`/group-buys/${group.id}/manage`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(`/group-buys/${group.id}/manage`)}`);
    const stranger = await call(`/group-buys/${group.id}/manage`, { token: await demoToken('buyer') });
    expect(stranger.status).toBe(404);
  });

  it('Should close from the management page', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    await joinGroupBuy(group.id);
    const res = await call(`/group-buys/${group.id}/close`, { method: 'POST', token: showroom, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(res.status).toBe(303);
    const status = await env.DB.prepare('SELECT status FROM group_buys WHERE id = ?').bind(group.id).first('status');
    expect(status).toBe('succeeded');
  });
});

describe('the pickup desk and list pages', () => {
  it('Should look a code up, hand over part, and list who has collected', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    const joined = await joinGroupBuy(group.id, { name: '赵阿姨', items: [{ productId: PRODUCTS.shiitake, quantity: 3 }] });
    await call(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });

    const lookup = await call(`/group-buys/${group.id}/desk?code=${joined.body.pickupCode.toLowerCase()}`, { token: showroom });
    expect(lookup.status).toBe(200);
    const html = await lookup.text();
    expect(html).toContain('赵阿姨');
    expect(html).toContain('请向参团人收取 ¥128.40');

    const handOver = await call(`/group-buys/${group.id}/desk`, { token: showroom, ...form({ code: joined.body.pickupCode, [`qty_${PRODUCTS.shiitake}`]: '1' }) });
    expect(handOver.status).toBe(303);
    expect(handOver.headers.get('location')).toBe(`/group-buys/${group.id}/desk?done=${joined.body.pickupCode}`);
    const picked = await env.DB.prepare('SELECT picked_up_quantity FROM group_buy_participant_items WHERE participant_id = ?').bind(joined.body.participantId).first('picked_up_quantity');
    expect(picked).toBe(1);

    const wrong = await call(`/group-buys/${group.id}/desk?code=ZZZZZZ`, { token: showroom });
    expect(wrong.status).toBe(404);

    const list = await call(`/group-buys/${group.id}/pickup-list`, { token: showroom });
    const listHtml = await list.text();
    expect(listHtml).toContain(joined.body.pickupCode);
    expect(listHtml).toContain('1/3');
    expect(listHtml).toContain('format=csv');
  });
});
