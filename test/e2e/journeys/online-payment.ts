/**
 * Paying the way mainland China pays, against WeChat Pay and Alipay fakes on loopback (started by the
 * runner because of `fakeProviders` below): on a desktop the checkout offers WeChat Pay and shows a
 * Native QR code; once paid, "I have paid" asks WeChat Pay and the order shows paid. On a phone,
 * Alipay sends the buyer to its cashier (手机网站支付) and back; the order shows paid. A resident joins a
 * showroom's group buy with WeChat Pay the same way: Native QR on the desktop, then the place shows paid.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { products } from '../../../seeds/data.js';
import { axeReport, bearerToken, horizontalOverflow, newPage, screenshot, seriousViolations, type Journey } from '../support';

export const fakeProviders = true;
export const viewports = 'self';

const LIJIANG_SHOWROOM = 'org_lijiang_showroom_yangpu';
const PHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

async function productInStock(): Promise<{ id: string; quantity: number }> {
  const seed = (await import(new URL('../../../seeds/seed.ts', import.meta.url).href)) as { productId(sku: string): string };
  const product = products.find((p) => p.stock >= p.minOrderQuantity * 4);
  assert.ok(product, 'a product in stock');
  return { id: seed.productId(product.sku), quantity: product.minOrderQuantity };
}

/** Cart → checkout with pickup at the Lijiang showroom, paying by `method`; ends on our pay page or the provider's. */
async function checkOut(page: Page, baseUrl: string, method: '微信支付' | '支付宝') {
  const product = await productInStock();
  await page.goto(`${baseUrl}/products/${product.id}`);
  const form = page.locator('form[action="/cart/items"]');
  await form.locator('input[name="quantity"]').fill(String(product.quantity));
  await Promise.all([page.waitForURL(/\/cart\?added=1/), form.locator('button[type="submit"]:not([formaction])').click()]);
  await Promise.all([page.waitForURL(/\/checkout$/), page.getByRole('link', { name: '去结算' }).click()]);
  await page.getByLabel('到展销馆自提').check();
  await page.getByLabel('自提点').selectOption(LIJIANG_SHOWROOM);
  await page.getByLabel('姓名').fill('杨女士');
  await page.getByLabel('联系电话').fill('139 1234 5678');
  await page.getByRole('radio', { name: method, exact: true }).check();
  await page.getByRole('button', { name: '提交订单' }).click();
}

const onlinePayment: Journey = async ({ browser, baseUrl }) => {
  const fake = process.env.FAKE_PROVIDERS_URL;
  assert.ok(fake, 'the runner started the fake providers');

  // 1. Desktop, WeChat Pay: a Native QR code on our pay page.
  const desk = await newPage(browser, { width: 1280, height: 800 });
  await checkOut(desk, baseUrl, '微信支付');
  await desk.waitForURL(/\/pay\/pay_\w+\?token=/);
  assert.ok(await desk.getByRole('heading', { name: '微信扫码支付' }).isVisible());
  const qr = desk.locator('figure[data-code-url] svg');
  assert.ok(await qr.isVisible(), 'the QR code is shown');
  const codeUrl = (await desk.locator('figure[data-code-url]').getAttribute('data-code-url'))!;
  assert.match(codeUrl, /^weixin:\/\/wxpay\/bizpayurl\?pr=pay_/);
  await screenshot(desk, 'online-payment-1-wechat-qr-desktop');
  const payViolations = await seriousViolations(desk);
  assert.equal(payViolations.length, 0, axeReport('pay page', payViolations));

  // The buyer scans and pays on the phone; then taps "I have paid": we ask WeChat Pay.
  const paid = await fetch(`${fake}/__wechat/pay`, { method: 'POST', body: new URLSearchParams({ out_trade_no: new URL(codeUrl.replace('weixin://', 'http://')).searchParams.get('pr')! }) });
  assert.equal(paid.status, 200);
  await Promise.all([desk.waitForURL(/\/orders\/ord_\w+\?token=/), desk.getByRole('link', { name: '我已完成支付' }).click()]);
  const deskText = (await desk.locator('main').textContent()) ?? '';
  assert.match(deskText, /已付款/);
  assert.match(deskText, /微信支付/);
  await screenshot(desk, 'online-payment-2-wechat-paid-desktop');

  // 2. Phone, Alipay: off to the cashier (手机网站支付), pay, and back to a paid order.
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', userAgent: PHONE_UA });
  const phone = await phoneContext.newPage();
  if (process.env.FAKE_PROVIDERS_DEBUG) phone.on('response', (r) => console.error('phone response', r.request().method(), r.url().slice(0, 120), r.status()));
  if (process.env.FAKE_PROVIDERS_DEBUG) phone.on('requestfailed', (r) => console.error('phone failed', r.url().slice(0, 120), r.failure()?.errorText));
  await checkOut(phone, baseUrl, '支付宝');
  await phone.waitForURL(/\/gateway\.do\?/).catch(async (error) => {
    throw new Error(`not at the Alipay cashier but at ${phone.url()}: ${(await phone.locator('body').textContent())?.slice(0, 300)}`, { cause: error });
  });
  assert.ok(await phone.getByRole('heading', { name: '支付宝收银台' }).isVisible(), 'the Alipay cashier accepted our signed request');
  await Promise.all([phone.waitForURL(/\/orders\/ord_\w+\?token=/), phone.getByRole('button', { name: '确认付款' }).click()]);
  const phoneText = (await phone.locator('main').textContent()) ?? '';
  assert.match(phoneText, /已付款/);
  assert.match(phoneText, /支付宝/);
  assert.equal(await horizontalOverflow(phone), 0, 'the paid order fits a phone');
  await screenshot(phone, 'online-payment-3-alipay-paid-phone');

  // 3. A group-buy join paid with WeChat Pay: the share page offers WeChat Pay and Alipay, the QR, then paid.
  const product = await productInStock();
  const token = await bearerToken(baseUrl, 'showroom@shanhai.local');
  const closesAt = Date.now() + 2 * 86_400_000;
  const created = await fetch(`${baseUrl}/api/v1/group-buys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, origin: baseUrl },
    body: JSON.stringify({ organizationId: LIJIANG_SHOWROOM, pickupOrganizationId: LIJIANG_SHOWROOM, title: '微信支付邻里团', closesAt: new Date(closesAt).toISOString(), pickupStartsAt: new Date(closesAt + 86_400_000).toISOString(), pickupEndsAt: new Date(closesAt + 86_400_000 + 7_200_000).toISOString(), minParticipants: 2, items: [{ productId: product.id }] }),
  });
  const group = (await created.json()) as { shortCode: string };
  assert.equal(created.status, 201, JSON.stringify(group));
  await desk.goto(`${baseUrl}/g/${group.shortCode}`);
  assert.ok(await desk.getByRole('radio', { name: '支付宝', exact: true }).isVisible(), 'the join form offers Alipay');
  await desk.getByRole('radio', { name: '微信支付', exact: true }).check();
  await desk.getByLabel('姓名').fill('孙阿姨');
  await desk.getByLabel('手机号').fill('13912348888');
  await Promise.all([desk.waitForURL(/\/pay\/pay_\w+\?token=/), desk.getByTestId('join-submit').click()]);
  const joinCodeUrl = (await desk.locator('figure[data-code-url]').getAttribute('data-code-url'))!;
  await screenshot(desk, 'online-payment-4-group-buy-wechat-qr');
  const joinPaid = await fetch(`${fake}/__wechat/pay`, { method: 'POST', body: new URLSearchParams({ out_trade_no: new URL(joinCodeUrl.replace('weixin://', 'http://')).searchParams.get('pr')! }) });
  assert.equal(joinPaid.status, 200);
  await Promise.all([desk.waitForURL(/\/g\/\w+\/me\?token=/), desk.getByRole('link', { name: '我已完成支付' }).click()]);
  assert.match((await desk.locator('main').textContent()) ?? '', /已付款/);
  await screenshot(desk, 'online-payment-5-group-buy-paid');
};

export default onlinePayment;
