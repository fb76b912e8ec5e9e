/**
 * A Shanghai buyer on a phone: opens the catalog, filters by category, searches 火腿, opens a product
 * and reads where it comes from (county, paired district, cooperative, households), then switches to English.
 */
import assert from 'node:assert/strict';
import { horizontalOverflow, newPage, screenshot, type Journey } from '../support';

type Detail = {
  id: string;
  nameZh: string;
  minOrderQuantity: number;
  orderStep: number;
  provenance: {
    county: { nameZh: string; nameEn: string; prefectureZh: string; provinceZh: string };
    district: { nameZh: string; nameEn: string } | null;
    cooperative: { nameZh: string };
    householdsBenefited: number;
  };
};

const catalogJourney: Journey = async ({ browser, baseUrl }) => {
  const page = await newPage(browser);
  const api = async <T>(path: string): Promise<T> => {
    const res = await page.request.get(`${baseUrl}${path}`);
    assert.equal(res.status(), 200, path);
    return (await res.json()) as T;
  };
  const cardIds = () => page.locator('[data-product-id]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-product-id')!));

  // 1. The catalog, in Chinese, fits a 360 px screen.
  await page.goto(`${baseUrl}/products`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '商品');
  assert.ok((await page.locator('[data-product-id]').count()) > 0, 'the catalog lists products');
  assert.equal(await horizontalOverflow(page), 0, 'no sideways scrolling at 360 px');
  await screenshot(page, 'catalog-1-list');

  // 2. Open the filters and choose a category through the labelled select.
  assert.equal(await page.getByLabel('品类').isVisible(), false, 'filters start folded on a phone');
  await page.getByText('筛选', { exact: true }).click();
  await page.getByLabel('品类').selectOption('ham');
  await Promise.all([page.waitForURL(/category=ham/), page.getByRole('button', { name: '应用筛选' }).click()]);
  const hams = await api<{ items: { id: string }[] }>('/api/v1/products?category=ham&limit=100');
  assert.ok(hams.items.length > 0);
  assert.deepEqual((await cardIds()).sort(), hams.items.map((p) => p.id).sort(), 'exactly the ham products');
  assert.equal(await horizontalOverflow(page), 0);
  await screenshot(page, 'catalog-2-ham');

  // 3. Search 火腿 across every category.
  await page.getByLabel('品类').selectOption('');
  await page.getByLabel('搜索商品').fill('火腿');
  await Promise.all([page.waitForURL(/q=%E7%81%AB%E8%85%BF/), page.getByRole('button', { name: '搜索', exact: true }).click()]);
  const found = await api<{ items: { id: string; nameZh: string }[] }>(`/api/v1/products?q=${encodeURIComponent('火腿')}&limit=100`);
  assert.deepEqual((await cardIds()).sort(), found.items.map((p) => p.id).sort(), 'the search results');
  await screenshot(page, 'catalog-3-search');

  // 4. Open the whole Xuanwei ham.
  const target = found.items.find((p) => p.id === 'prd_xw_ham_001');
  assert.ok(target, 'a Xuanwei ham is among the results');
  await Promise.all([page.waitForURL(new RegExp(`/products/${target.id}$`)), page.locator(`[data-product-id="${target.id}"] a.title`).click()]);
  const detail = await api<Detail>(`/api/v1/products/${target.id}`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), detail.nameZh);
  const picture = page.locator('.pictures img').first();
  assert.ok(await picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the picture loads');

  // 5. Provenance: county with prefecture and province, paired district, cooperative, households.
  const provenance = page.getByTestId('provenance');
  const text = (await provenance.textContent()) ?? '';
  const { county, district, cooperative, householdsBenefited } = detail.provenance;
  assert.ok(district, 'the county has a paired district');
  for (const expected of [county.nameZh, county.prefectureZh, county.provinceZh, district.nameZh, cooperative.nameZh, `${householdsBenefited} 户`]) {
    assert.ok(text.includes(expected), `provenance mentions ${expected}: ${text}`);
  }
  const quantity = page.getByLabel(/数量/);
  assert.equal(await quantity.getAttribute('min'), String(detail.minOrderQuantity));
  assert.equal(await quantity.getAttribute('step'), String(detail.orderStep));
  assert.equal(await horizontalOverflow(page), 0);
  await screenshot(page, 'catalog-4-product');

  // 6. The visible language switch keeps the page and is remembered.
  await Promise.all([page.waitForURL(/lang=en/), page.getByRole('link', { name: 'English' }).click()]);
  const english = (await page.getByTestId('provenance').textContent()) ?? '';
  assert.ok(english.includes(county.nameEn) && english.includes(district.nameEn), english);
  await page.goto(`${baseUrl}/products`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'English is remembered');
  await screenshot(page, 'catalog-5-english');
};

export default catalogJourney;
