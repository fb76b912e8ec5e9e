/**
 * Group buy on a phone: the showroom opens a group buy (API, bearer token), a resident opens the
 * share link at 390×844, joins paying at pickup and sees the progress move; the showroom closes
 * the group from its management page and hands the goods over at the pickup desk.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { bearerToken, horizontalOverflow, screenshot, signInContext, type Journey } from '../support';

const SHOWROOM = { email: 'showroom@shanhai.local', password: 'shanhai-demo-2026', org: 'org_lijiang_showroom_yangpu' };
const SHIITAKE = 'prd_jd_mus_001';
const FRESH_SHIITAKE = 'prd_ys_mus_001';

async function phone(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  context.setDefaultTimeout(15_000);
  return context;
}

async function api<T>(baseUrl: string, path: string, init: { method?: string; token?: string; json?: unknown } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      origin: baseUrl,
      ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

const journey: Journey = async ({ browser, baseUrl }) => {
  // 1. The showroom manager opens a group buy through the API.
  // Sessions are shared across journeys and viewports: the sign-in limit (5 a minute per IP) stays as in production.
  const token = await bearerToken(baseUrl, SHOWROOM.email, SHOWROOM.password);
  const created = await api<{ id: string; shortCode: string; shareUrl: string }>(baseUrl, '/api/v1/group-buys', {
    method: 'POST',
    token,
    json: {
      organizationId: SHOWROOM.org,
      title: '丽江香菇邻里团',
      description: '杨浦控江路展销馆自提',
      closesAt: new Date(Date.now() + 2 * 24 * 3600_000).toISOString(),
      pickupStartsAt: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
      pickupEndsAt: new Date(Date.now() + 3 * 24 * 3600_000 + 2 * 3600_000).toISOString(),
      pickupOrganizationId: SHOWROOM.org,
      minParticipants: 2,
      items: [
        { productId: SHIITAKE, unitPriceFen: 4280 },
        { productId: FRESH_SHIITAKE, unitPriceFen: 3280, maxQuantity: 40 },
      ],
    },
  });
  assert.equal(created.status, 201, `group buy created: ${JSON.stringify(created.body)}`);
  const group = created.body;
  // A neighbour has already joined.
  const neighbour = await api<{ pickupCode: string }>(baseUrl, `/api/v1/group-buys/${group.id}/participants`, {
    method: 'POST',
    json: { name: '邻居', phone: '13800000011', items: [{ productId: FRESH_SHIITAKE, quantity: 1 }], paymentMethod: 'pay_at_pickup' },
  });
  assert.equal(neighbour.status, 201);

  // 2. A resident opens the share link on a phone.
  const resident = await (await phone(browser)).newPage();
  await resident.goto(`${baseUrl}/g/${group.shortCode}`);
  await resident.getByRole('heading', { name: /丽江香菇邻里团/ }).waitFor();
  const committed = resident.locator('[data-gb-field="committedParticipants"]');
  assert.equal((await committed.textContent())?.trim(), '1', 'one participant so far');
  assert.equal(await resident.getByRole('progressbar', { name: '参团人数' }).getAttribute('aria-valuenow'), '1');
  assert.equal(await horizontalOverflow(resident), 0, 'the join page fits a 390 px phone');
  await screenshot(resident, 'group-buy-1-join-page');

  // 3. Joins with two bags, paying at pickup.
  await resident.locator(`input[name="qty_${SHIITAKE}"]`).fill('2');
  await resident.getByLabel('姓名').fill('陈阿姨');
  await resident.getByLabel('手机号').fill('13912340000');
  await resident.getByLabel('到自提点提货时付款').check();
  await resident.getByRole('button', { name: '确认参团' }).click();
  await resident.waitForURL(/\/g\/[0-9a-z]+\/me\?token=/);
  const code = (await resident.getByTestId('pickup-code').textContent())?.trim() ?? '';
  assert.match(code, /^[2-9A-HJKMNP-Z]{6}$/, 'a six-character pickup code is shown');
  assert.ok(await resident.getByText('参团成功').isVisible());
  // The progress moved: two committed participants, the threshold is met.
  assert.equal((await resident.locator('[data-gb-field="committedParticipants"]').textContent())?.trim(), '2');
  assert.equal(await resident.getByRole('progressbar', { name: '参团人数' }).getAttribute('aria-valuenow'), '2');
  assert.equal(await horizontalOverflow(resident), 0, 'the participant page fits a 390 px phone');
  await screenshot(resident, 'group-buy-2-pickup-code');

  // 4. The page keeps itself up to date: a third neighbour joins, the count follows without a reload.
  const third = await api<unknown>(baseUrl, `/api/v1/group-buys/${group.id}/participants`, {
    method: 'POST',
    json: { name: '楼下王叔', phone: '13800000012', items: [{ productId: SHIITAKE, quantity: 1 }], paymentMethod: 'pay_at_pickup' },
  });
  assert.equal(third.status, 201);
  await resident.waitForFunction(() => document.querySelector('[data-gb-field="committedParticipants"]')?.textContent?.trim() === '3', null, { timeout: 20_000 });

  // 5. The showroom manager closes the group from the management page (cookie session).
  const desk = await phone(browser);
  await signInContext(desk, baseUrl, SHOWROOM.email, SHOWROOM.password);
  const manager = await desk.newPage();
  await manager.goto(`${baseUrl}/group-buys/${group.id}/manage`);
  assert.ok(await manager.locator('.gb-qr svg').isVisible(), 'the QR code is on the management page');
  assert.equal(await manager.getByLabel('分享链接').inputValue(), group.shareUrl);
  await screenshot(manager, 'group-buy-3-manage');
  manager.once('dialog', (dialog) => void dialog.accept());
  await manager.getByRole('button', { name: '立即截团' }).click();
  await manager.getByText('已成团').first().waitFor();
  await screenshot(manager, 'group-buy-4-formed');

  // 6. The pickup desk hands the resident's goods over.
  await manager.goto(`${baseUrl}/group-buys/${group.id}/desk`);
  await manager.getByLabel('提货码').fill(code.toLowerCase());
  await manager.getByRole('button', { name: '查询' }).click();
  // The desk shows the name and phone masked (a queue stands behind the counter); the amount due is large.
  await manager.getByRole('heading', { name: new RegExp(`${code} · 陈\\*\\* · 139\\*{4}0000`) }).waitFor();
  assert.equal((await manager.locator('.gb-due').textContent())?.replace(/\s+/g, ' ').trim(), '应收 ¥85.60', 'the desk collects the pay-at-pickup amount');
  await manager.getByRole('button', { name: '确认提货' }).click();
  await manager.getByText(`已为 ${code} 完成提货登记`).waitFor();
  await screenshot(manager, 'group-buy-5-desk');

  const list = await api<{ items: { pickupCode: string; status: string; payment: { status: string } }[] }>(baseUrl, `/api/v1/group-buys/${group.id}/pickup-list`, { token });
  const row = list.body.items.find((p) => p.pickupCode === code);
  assert.equal(row?.status, 'picked_up');
  assert.equal(row?.payment.status, 'succeeded');
};

export default journey;
