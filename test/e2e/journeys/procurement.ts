/**
 * The Baoshan canteen's purchaser, on a phone, uploads the week's order as a CSV with one bad line
 * (below a product's minimum), fixes that line in the preview, places the order on invoice terms to
 * the canteen kitchen, and sees the yearly consumption-assistance target move on the dashboard.
 * Signs in once (wrangler dev shares one sign-in rate-limit bucket). The order stays under the
 * purchaser's ¥20,000 per-order limit, so it is placed without the owner's approval.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { horizontalOverflow, newPage, screenshot, signInThroughPage, type Journey } from '../support';

const PURCHASER = { email: 'canteen@shanhai.local', password: 'shanhai-demo-2026' };

/** The amounts on the dashboard's progress line: "已完成 ¥1,298.00，目标 ¥500,000.00（0.3%）". */
async function progress(page: Page, baseUrl: string): Promise<{ spentFen: number; text: string }> {
  await page.goto(`${baseUrl}/procurement`);
  const text = (await page.getByTestId('target-progress').textContent()) ?? '';
  const match = /已完成 ¥([\d,]+)\.(\d\d)/.exec(text);
  assert.ok(match, `a progress line on the dashboard: ${text}`);
  return { spentFen: Number(match[1]!.replace(/,/g, '')) * 100 + Number(match[2]), text };
}

const procurementJourney: Journey = async ({ browser, baseUrl }) => {
  const page = await newPage(browser);

  // 1. Sign in, once.
  await signInThroughPage(page, baseUrl, PURCHASER.email, '/procurement', PURCHASER.password);

  // 2. The dashboard: the target and what has been bought so far.
  const before = await progress(page, baseUrl);
  assert.ok(await page.getByRole('progressbar').isVisible(), 'a progress bar toward the target');
  assert.ok(await page.locator('svg.month-chart[role="img"]').isVisible(), 'the monthly chart');
  assert.equal(await horizontalOverflow(page), 0, 'the dashboard fits a 360 px screen');
  await screenshot(page, 'procurement-1-dashboard');

  // 3. Upload the CSV: shiitake by the bag (tier from 10) and dried mushrooms with a minimum of 5 — ordered 3.
  await page.getByRole('link', { name: '批量下单' }).first().click();
  await page.waitForURL(/\/procurement\/bulk/);
  const csv = '\ufeff商品编码,数量\r\nJD-MUS-001,10\r\nJD-MUS-002,3\r\n';
  await page.getByLabel('或上传 CSV 文件（UTF-8）').setInputFiles({ name: '本周采购.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await Promise.all([page.waitForURL(/\/procurement\/bulk\/preview$/), page.getByRole('button', { name: '检查', exact: true }).click()]);

  // 4. The preview highlights the bad line and suggests the minimum.
  const bad = page.locator('tr.problem[data-line="3"]');
  assert.equal(await bad.count(), 1, 'line 3 is highlighted as a problem');
  assert.equal(await bad.getAttribute('data-status'), 'below_moq');
  assert.match((await bad.textContent()) ?? '', /建议 5/);
  assert.match((await page.locator('tr[data-line="2"]').textContent()) ?? '', /阶梯价/);
  assert.equal(await horizontalOverflow(page), 0, 'the preview fits a 360 px screen (the table scrolls inside its box)');
  await screenshot(page, 'procurement-2-preview-with-problem');

  // 5. Fix the quantity and check again: every line can be ordered.
  await page.getByLabel('行 3 数量').fill('5');
  await page.getByRole('button', { name: '重新检查' }).click();
  await page.getByText('2 行可下单，0 行有问题').waitFor();
  assert.equal(await page.locator('tr.problem').count(), 0, 'no problem lines left');

  // 6. Place it on invoice terms, delivered to the canteen kitchen.
  assert.match((await page.locator('#delivery option:checked').textContent()) ?? '', /机关食堂后厨收货口/);
  await page.getByLabel('对公转账（账期 30 天）').check();
  await screenshot(page, 'procurement-3-place');
  await Promise.all([page.waitForURL(/\/orders\/ord_\w+\?placed=1$/), page.getByRole('button', { name: /提交订单/ }).click()]);
  const main = (await page.locator('main').textContent()) ?? '';
  assert.match(main, /订单已提交/);
  assert.match(main, /已开票（待转账）/);
  assert.match(main, /转账截止/);
  const totals = /商品合计\s*¥([\d,]+)\.(\d\d)/.exec(main);
  assert.ok(totals, 'the order page shows the goods total');
  const goodsFen = Number(totals[1]!.replace(/,/g, '')) * 100 + Number(totals[2]);
  assert.equal(await horizontalOverflow(page), 0, 'the order page fits a 360 px screen');
  await screenshot(page, 'procurement-4-order');

  // 7. Back on the dashboard the target has moved by the goods of the order.
  const after = await progress(page, baseUrl);
  assert.equal(after.spentFen, before.spentFen + goodsFen, `progress moved from "${before.text}" to "${after.text}"`);
  assert.ok(await page.getByText('待转账发票').isVisible());
  await screenshot(page, 'procurement-5-dashboard-after');
};

export default procurementJourney;
