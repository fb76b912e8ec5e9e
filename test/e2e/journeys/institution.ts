/**
 * Journey: the purchaser of the Baoshan district government canteen (a verified institution with 30-day
 * terms) signs in through the sign-in page, orders the canteen pack of Jingdong shiitake in bulk — 20
 * bags, which reaches the second price tier — on behalf of the canteen, delivered to the canteen's
 * kitchen and paid by bank transfer on invoice; the order page shows the tier price, the invoice terms
 * and the canteen; the order is in "my orders"; the canteen's page shows its delivery locations.
 */
import assert from 'node:assert/strict';
import { horizontalOverflow, newPage, screenshot, signInThroughPage, type Journey } from '../support';

const PURCHASER = 'canteen@shanhai.local';
const CANTEEN = { id: 'org_baoshan_canteen', name: '宝山区机关食堂' };
/** 景东香菇（食堂装）: ¥168.00 a bag, ¥158.00 from 20, minimum order 5. */
const PRODUCT = { id: 'prd_jd_mus_002', quantity: 20, tierPrice: '¥158.00', total: '¥3,160.00' };

const institutionJourney: Journey = async ({ browser, baseUrl }) => {
  const page = await newPage(browser);

  // 1. Sign in through the form and land back on the product.
  await signInThroughPage(page, baseUrl, PURCHASER, `/products/${PRODUCT.id}`);

  // 2. Twenty bags: the cart shows the tier price.
  const form = page.locator('form[action="/cart/items"]');
  await form.locator('input[name="quantity"]').fill(String(PRODUCT.quantity));
  await Promise.all([page.waitForURL(/\/cart\?added=1/), form.locator('button[type="submit"]:not([formaction])').click()]);
  const line = page.locator(`li[data-product-id="${PRODUCT.id}"]`);
  const lineText = await line.innerText();
  assert.ok(lineText.includes(PRODUCT.tierPrice), `the cart line shows the tier price ${PRODUCT.tierPrice}: ${lineText}`);
  assert.ok(lineText.includes('阶梯价'), 'the cart line says the price is a tier price');
  assert.equal(await horizontalOverflow(page), 0, 'the cart fits the screen');
  await screenshot(page, 'institution-1-cart');

  // 3. Checkout for the canteen: delivered to its kitchen, on invoice.
  await Promise.all([page.waitForURL(/\/checkout$/), page.getByRole('link', { name: '去结算' }).click()]);
  await page.getByLabel('订购身份').selectOption(CANTEEN.id);
  await page.getByLabel('配送到上海地址').check();
  await page.getByLabel('收货人').fill('食堂 王师傅');
  await page.getByLabel('手机或上海座机').fill('021-56781234');
  await page.getByLabel('区', { exact: true }).selectOption('baoshan');
  await page.getByLabel('详细地址').fill('密山路 5 号 宝山区机关食堂 后厨');
  await page.getByLabel('姓名').fill('宝山区机关食堂 采购员');
  await page.getByLabel('联系电话').fill('13812345678');
  await page.getByLabel(/对公转账（账期 30 天）/).check();
  assert.equal(await horizontalOverflow(page), 0, 'the checkout fits the screen');
  await screenshot(page, 'institution-2-checkout');
  await Promise.all([page.waitForURL(/\/orders\/ord_\w+/), page.getByRole('button', { name: '提交订单' }).click()]);

  // 4. The order: the canteen's, invoiced with a due date, at the tier price.
  const orderPath = new URL(page.url()).pathname;
  const text = await page.locator('main').innerText();
  assert.ok(text.includes('订单已提交'), 'the order is placed');
  for (const expected of [CANTEEN.name, PRODUCT.tierPrice, PRODUCT.total, '转账截止']) assert.ok(text.includes(expected), `the order page shows ${expected}: ${text}`);
  assert.equal(await horizontalOverflow(page), 0, 'the order page fits the screen');
  await screenshot(page, 'institution-3-order');

  // 5. It is among "my orders", and the canteen's page lists where it takes deliveries.
  await page.goto(`${baseUrl}/orders`);
  assert.equal(await page.locator(`a[href^="${orderPath}"]`).count() > 0, true, `${orderPath} is listed under my orders`);
  const org = await page.goto(`${baseUrl}/organizations/${CANTEEN.id}`);
  assert.equal(org?.status(), 200, `the canteen's page answered ${org?.status()}`);
  assert.ok((await page.locator('main').innerText()).includes(CANTEEN.name));
  assert.equal(await horizontalOverflow(page), 0, "the canteen's page fits the screen");
  await screenshot(page, 'institution-4-organization');
};

export default institutionJourney;
