/**
 * The Baoshan canteen's purchaser sets up a weekly standing order (定期供货) on a phone — shiitake
 * every Monday and Thursday to the canteen kitchen, on invoice terms — then skips the next delivery
 * day, sees it marked skipped, and restores nothing else: the other days stay scheduled.
 * Everything is plain forms; no JavaScript is needed.
 */
import assert from 'node:assert/strict';
import { horizontalOverflow, newPage, screenshot, signInThroughPage, type Journey } from '../support';

const PURCHASER = { email: 'canteen@shanhai.local', password: 'shanhai-demo-2026' };

const standingOrdersJourney: Journey = async ({ browser, baseUrl }) => {
  const page = await newPage(browser);
  await signInThroughPage(page, baseUrl, PURCHASER.email, '/procurement/standing-orders', PURCHASER.password);

  // 1. The standing orders of the canteen, and the way to set one up.
  await page.getByRole('link', { name: '新建定期供货' }).click();
  await page.waitForURL(/\/procurement\/standing-orders\/new/);
  assert.equal(await horizontalOverflow(page), 0, 'the form fits a phone screen');

  // 2. Fill the form: one line, Monday and Thursday, from today, to the kitchen, on invoice.
  await page.getByLabel('名称').fill('后厨每周香菇');
  await page.locator('#sku0').fill('JD-MUS-001');
  await page.locator('#qty0').fill('10');
  await page.getByLabel('每周').check();
  await page.getByLabel('周一').check();
  await page.getByLabel('周四').check();
  assert.match((await page.locator('#deliveryLocationId option:checked').textContent()) ?? '', /后厨/);
  await page.getByLabel('联系电话').fill('13800000002');
  await screenshot(page, 'standing-orders-1-form');
  await Promise.all([page.waitForURL(/\/procurement\/standing-orders\/sto_/), page.getByRole('button', { name: '保存' }).click()]);

  // 3. Saved: the schedule and the coming days, each with a skip button.
  await page.getByText('定期供货已保存').waitFor();
  assert.match((await page.locator('main').textContent()) ?? '', /每周周一、周四/);
  const days = page.locator('ul[aria-label="接下来"] li');
  assert.ok((await days.count()) >= 4, 'several coming days are listed');
  const first = await days.first().getAttribute('data-date');
  assert.ok(first, 'the first coming day has a date');
  await screenshot(page, 'standing-orders-2-saved');

  // 4. Skip the first coming day (one week's delivery).
  await Promise.all([page.waitForURL(/done=skip/), days.first().getByRole('button', { name: '跳过这一次' }).click()]);
  const skipped = page.locator(`ul[aria-label="接下来"] li[data-date="${first}"]`);
  assert.match((await skipped.textContent()) ?? '', /已跳过/);
  assert.equal(await skipped.getByRole('button', { name: '恢复' }).count(), 1, 'the skipped day can be restored');
  const second = page.locator('ul[aria-label="接下来"] li').nth(1);
  assert.equal(await second.getByRole('button', { name: '跳过这一次' }).count(), 1, 'the next day is still scheduled');
  assert.equal(await horizontalOverflow(page), 0, 'the standing order fits a phone screen');
  const box = await second.getByRole('button', { name: '跳过这一次' }).boundingBox();
  assert.ok(box && box.height >= 44, `the skip button is a 44 px tap target (${box?.height})`);
  await screenshot(page, 'standing-orders-3-skipped');
};

export default standingOrdersJourney;
