/**
 * Journey: the storefront on a phone and a desk. A returning guest buys from a product page in at most three
 * taps (counted), the buy bar and the tab bar are on the first screen, checkout's shipping fee and total follow
 * the delivery choice without a reload, and no tap target on home, catalog, product or checkout is under
 * 44 × 44 px (measured; inline links inside a sentence are exempt, as in WCAG 2.5.8).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { cooperatives, products } from '../../../seeds/data';
import { productId } from '../../../seeds/seed';
import { currentViewport, horizontalOverflow, newPage, screenshot, type Journey } from '../support';

const SHOWROOM = 'org_lijiang_showroom_yangpu';

/** A seeded product whose minimum order is below its cooperative's free-shipping threshold, so delivery costs a fee. */
function productWithShippingFee() {
  const found = products.find((p) => {
    const coop = cooperatives.find((c) => c.id === p.cooperativeId)!;
    return coop.shippingFlatFeeFen > 0 && (coop.freeShippingAboveFen === null || p.unitPriceFen * p.minOrderQuantity < coop.freeShippingAboveFen);
  })!;
  const coop = cooperatives.find((c) => c.id === found.cooperativeId)!;
  return { id: productId(found.sku), feeFen: coop.shippingFlatFeeFen, priceFen: found.unitPriceFen * found.minOrderQuantity };
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** Visible interactive elements smaller than 44 × 44 px (radios and checkboxes are measured by their label). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    const seen = new Set<Element>();
    for (const raw of Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary'))) {
      const el = raw instanceof HTMLInputElement && (raw.type === 'radio' || raw.type === 'checkbox') ? (raw.closest('label') ?? raw) : raw;
      if (seen.has(el)) continue;
      seen.add(el);
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
      // An inline link within a sentence is exempt (WCAG 2.5.8); links standing alone are not.
      if (el.tagName === 'A' && style.display === 'inline' && (el.parentElement?.textContent ?? '').trim().length > (el.textContent ?? '').trim().length + 2) continue;
      if (el.classList.contains('skip')) continue;
      if (box.width < 44 || box.height < 44) small.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? (el as HTMLInputElement).name ?? '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    return small;
  });
}

async function onFirstScreen(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const { height } = currentViewport();
  return box !== null && box.y >= 0 && box.y + box.height <= height;
}

const journey: Journey = async ({ browser, baseUrl }) => {
  const phone = currentViewport().name === 'phone';
  const item = productWithShippingFee();
  const page = await newPage(browser);

  // Tap targets on the four storefront pages, as a visitor first sees them.
  for (const [name, path] of [['home', '/'], ['catalog', '/products'], ['product', `/products/${item.id}`]] as const) {
    await page.goto(`${baseUrl}${path}`);
    assert.deepEqual(await smallTargets(page), [], `tap targets under 44 px on ${name}`);
    assert.equal(await horizontalOverflow(page), 0, `${name} scrolls sideways`);
    await screenshot(page, `storefront-${name}`);
  }
  // The product page's buy bar (and on a phone the tab bar) are on the first screen, before any scrolling.
  assert.ok(await onFirstScreen(page, 'form.buybar button.accent'), '立即购买 is not on the first screen');
  if (phone) assert.ok(await onFirstScreen(page, 'nav.tabs'), 'the tab bar is not on the first screen');

  // First order (not counted): the guest types their contact once; this device remembers it.
  await page.locator('form.buybar button.accent').click();
  await page.waitForURL(/\/checkout\?/);
  assert.deepEqual(await smallTargets(page), [], 'tap targets under 44 px on checkout');
  // Totals follow the delivery choice without a reload: pickup is free, delivery adds the cooperative's fee.
  const shipping = page.locator('[data-totals] [data-shipping]');
  assert.equal(await shipping.textContent(), '¥0.00');
  assert.ok(await page.locator('[data-when="ship"]').isHidden(), 'address fields show while pickup is chosen');
  await page.locator('input[name=deliveryMethod][value=ship]').check();
  assert.equal(await shipping.textContent(), yuan(item.feeFen));
  assert.equal(await page.locator('[data-totals] [data-total]').textContent(), yuan(item.priceFen + item.feeFen));
  assert.ok(await page.locator('[data-when="pickup"]').isHidden(), 'pickup fields show while delivery is chosen');
  await screenshot(page, 'storefront-checkout-ship');
  await page.locator('input[name=deliveryMethod][value=pickup]').check();
  assert.equal(await shipping.textContent(), '¥0.00');
  await page.selectOption('#pickupOrganizationId', SHOWROOM);
  await page.fill('#contactName', '周女士');
  await page.fill('#contactPhone', '13900004444');
  await page.locator('input[name=paymentMethod][value=pay_at_pickup]').check();
  await screenshot(page, 'storefront-checkout-pickup');
  await page.locator('.paybar button[type=submit]').click();
  await page.waitForURL(/\/orders\/ord_\w+\?token=\w+&placed=1/);

  // The returning buyer: product page → 立即购买 → 提交订单. Count every tap.
  let taps = 0;
  const tap = async (selector: string) => {
    taps += 1;
    await page.locator(selector).first().click();
  };
  await page.goto(`${baseUrl}/products/${item.id}`);
  await tap('form.buybar button.accent');
  await page.waitForURL(/\/checkout\?/);
  assert.equal(await page.inputValue('#contactName'), '周女士', 'checkout is not prefilled for a returning buyer');
  await tap('.paybar button[type=submit]');
  await page.waitForURL(/\/orders\/ord_\w+\?token=\w+&placed=1/);
  assert.ok(taps <= 3, `a returning buyer needed ${taps} taps`);
  console.log(`      returning buyer: product → order placed in ${taps} taps`);
  await screenshot(page, 'storefront-order-placed');
};

export default journey;
