/**
 * A resident on a phone puts products of two cooperatives in the cart, checks out as a guest with
 * pickup at the Lijiang showroom in Yangpu and pay at pickup, and lands on the order page that shows
 * one shipment per cooperative.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { products } from '../../../seeds/data.js';
import { horizontalOverflow, newPage, screenshot, type Journey } from '../support';

const LIJIANG_SHOWROOM = 'org_lijiang_showroom_yangpu';

/** The seed's id scheme and its two demo cooperatives (loaded at run time; the seed module is Worker code). */
type SeedIds = { productId(sku: string): string; cooperativeOrgId(id: string): string; demoCooperativeIds(): { a: string; b: string } };

async function twoProductsOfTwoCooperatives(): Promise<{ id: string; nameZh: string; quantity: number }[]> {
  const seed = (await import(new URL('../../../seeds/seed.ts', import.meta.url).href)) as SeedIds;
  const { a, b } = seed.demoCooperativeIds();
  return [a, b].map((coop) => {
    const product = products.find((p) => seed.cooperativeOrgId(p.cooperativeId) === coop && p.stock >= p.minOrderQuantity);
    assert.ok(product, `a product of ${coop} in stock`);
    return { id: seed.productId(product.sku), nameZh: product.nameZh, quantity: product.minOrderQuantity };
  });
}

/** Adds through the product page's form (`POST /cart/items`: productId, quantity) and follows it to the cart. */
async function addToCart(page: Page, baseUrl: string, product: { id: string; quantity: number }) {
  await page.goto(`${baseUrl}/products/${product.id}`);
  const form = page.locator('form[action="/cart/items"]');
  assert.equal(await form.count(), 1, `the page of ${product.id} has an add-to-cart form`);
  await form.locator('input[name="quantity"]').fill(String(product.quantity));
  await Promise.all([page.waitForURL(/\/cart\?added=1/), form.locator('button[type="submit"]:not([formaction])').click()]);
}

const checkoutJourney: Journey = async ({ browser, baseUrl }) => {
  const page = await newPage(browser);
  const chosen = await twoProductsOfTwoCooperatives();

  // 1. Two cooperatives' products in the cart, one section (and shipping rule) per cooperative.
  for (const product of chosen) await addToCart(page, baseUrl, product);
  assert.equal(await page.locator('section[aria-labelledby^="coop-"]').count(), 2, 'the cart groups lines by cooperative');
  for (const product of chosen) assert.ok(await page.locator(`li[data-product-id="${product.id}"]`).isVisible(), `${product.nameZh} is in the cart`);
  assert.equal(await horizontalOverflow(page), 0, 'the cart fits a 360 px screen');
  await screenshot(page, 'checkout-1-cart');

  // 2. Checkout: pick up at the Lijiang showroom, pay there.
  await Promise.all([page.waitForURL(/\/checkout$/), page.getByRole('link', { name: '去结算' }).click()]);
  assert.ok(await page.getByText('本站尚未配置在线支付').isVisible(), 'says card, Alipay and WeChat Pay are unavailable without Stripe');
  await page.getByLabel('到展销馆自提').check();
  await page.getByLabel('自提点').selectOption(LIJIANG_SHOWROOM);
  await page.getByLabel('姓名').fill('杨女士');
  await page.getByLabel('联系电话').fill('139 1234 5678');
  await page.getByLabel('到店付款（自提时在展销馆付款）').check();
  assert.equal(await horizontalOverflow(page), 0, 'the checkout fits a 360 px screen');
  await screenshot(page, 'checkout-2-form');
  await Promise.all([page.waitForURL(/\/orders\/ord_\w+\?token=\w+&placed=1$/), page.getByRole('button', { name: '提交订单' }).click()]);

  // 3. The order page: placed, awaiting payment at pickup, one shipment per cooperative.
  assert.ok(await page.getByText('订单已提交').isVisible());
  assert.equal(await page.locator('[data-shipment-id]').count(), 2, 'one shipment per cooperative');
  const text = (await page.locator('main').textContent()) ?? '';
  assert.match(text, /丽江消费帮扶展销馆/);
  assert.match(text, /到店付款/);
  for (const product of chosen) assert.ok(text.includes(product.nameZh), `${product.nameZh} is on the order`);
  assert.equal(await horizontalOverflow(page), 0, 'the order page fits a 360 px screen');
  await screenshot(page, 'checkout-3-order');

  // 4. The guest link is the key: the same page without its token is not found.
  const orderPath = new URL(page.url()).pathname;
  const anonymous = await page.request.get(`${baseUrl}${orderPath}`);
  assert.equal(anonymous.status(), 404);

  // 5. And the cart is empty again.
  await page.goto(`${baseUrl}/cart`);
  assert.ok(await page.getByText('购物车是空的').isVisible());
};

export default checkoutJourney;
