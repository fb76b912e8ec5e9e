/**
 * Journey: a paid sale shows on the public impact page, drawn as accessible SVG charts.
 *
 * 1. A resident orders a seeded product for pickup at the Lijiang showroom, paying at pickup
 *    (POST /api/v1/orders), and the admin confirms that payment (POST /api/v1/admin/payments/{id}/confirm):
 *    the batch that marks it succeeded updates the impact rollup.
 * 2. /impact, on a phone-sized and a desktop viewport: every chart is an `svg[role=img]` with a
 *    non-empty <title> and <desc>, the county bars include the product's county, the month line has
 *    points, each chart has its data table, and the headline net sales are above zero.
 * 3. A screenshot of the desktop page goes to test-results/impact.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { counties, cooperatives, products } from '../../../seeds/data';
import { demoOrganizations, productId } from '../../../seeds/seed';
import { bearerToken, VIEWPORTS } from '../support';

type Json = Record<string, any>;

async function api(baseUrl: string, route: string, init: { method?: string; json?: unknown; token?: string } = {}): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { origin: new URL(baseUrl).origin };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(new URL(route, baseUrl), {
    method: init.method ?? 'GET',
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  let body: Json = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`impact journey: ${message}`);
}

/** The product sold: the first seeded product that can be bought one at a time. */
export const soldProduct = (() => {
  const product = products.find((p) => p.minOrderQuantity === 1 && p.orderStep === 1 && p.stock > 10)!;
  const coop = cooperatives.find((c) => c.id === product.cooperativeId)!;
  const county = counties.find((c) => c.id === coop.countyId)!;
  return { id: productId(product.sku), county };
})();

/** Places a pay-at-pickup order and has the admin confirm its payment; returns the order id. */
export async function createPaidSale(baseUrl: string): Promise<string> {
  const placed = await api(baseUrl, '/api/v1/orders', {
    method: 'POST',
    json: {
      items: [{ productId: soldProduct.id, quantity: 2 }],
      delivery: { method: 'pickup', pickupOrganizationId: demoOrganizations.showroom.id },
      contact: { name: '杨浦居民', phone: '13900001111' },
      paymentMethod: 'pay_at_pickup',
    },
  });
  expect(placed.status === 201, `placing the order answered ${placed.status} ${JSON.stringify(placed.body)}`);
  const paymentId: string | undefined = placed.body.payment?.id ?? placed.body.paymentId;
  expect(paymentId, `the order response names no payment id: ${JSON.stringify(placed.body)}`);

  const token = await bearerToken(baseUrl, 'admin@shanhai.local');
  const confirmed = await api(baseUrl, `/api/v1/admin/payments/${paymentId}/confirm`, { method: 'POST', json: { bankReference: 'PICKUP-DESK-CASH-0001' }, token });
  expect(confirmed.status === 200, `confirming the payment answered ${confirmed.status} ${JSON.stringify(confirmed.body)}`);

  const report = await api(baseUrl, `/api/v1/impact?county=${soldProduct.county.id}`);
  expect(report.status === 200 && report.body.totals.salesFen > 0, `the paid sale is not in the impact report: ${JSON.stringify(report.body.totals)}`);
  return placed.body.id as string;
}

/** Checks the charts of /impact on one page (already sized). */
async function checkCharts(page: Page, baseUrl: string) {
  const response = await page.goto(new URL('/impact', baseUrl).toString());
  expect(response?.status() === 200, `/impact answered ${response?.status()}`);
  const charts = page.locator('svg.chart[role="img"]');
  expect((await charts.count()) === 4, `expected 4 charts, found ${await charts.count()}`);
  for (const chart of await charts.all()) {
    const titled = await chart.evaluate((svg) => {
      const [first, second] = Array.from(svg.children);
      const ids = (svg.getAttribute('aria-labelledby') ?? '').split(' ');
      return {
        title: first?.tagName === 'title' ? first.textContent?.trim() : '',
        desc: second?.tagName === 'desc' ? second.textContent?.trim() : '',
        labelled: ids.length === 2 && ids.every((id) => document.getElementById(id)),
      };
    });
    expect(titled.title && titled.desc && titled.labelled, `a chart lacks its accessible title or description: ${JSON.stringify(titled)}`);
  }
  const countyBars = page.locator('#impact-county-heading ~ svg g.bar');
  expect((await countyBars.count()) > 0, 'no county bars');
  const barTitles = await countyBars.locator('title').allTextContents();
  expect(barTitles.some((t) => t.startsWith(soldProduct.county.nameZh)), `no bar for ${soldProduct.county.nameZh}: ${barTitles.join(' | ')}`);
  const barWidth = await countyBars.first().locator('rect').getAttribute('width');
  expect(Number(barWidth) > 0, 'the largest county bar has no width');
  expect((await page.locator('#impact-month-heading ~ svg g.point').count()) > 0, 'the month line has no points');
  expect((await page.locator('details.data-table table').count()) === 4, 'a chart has no data table');
  const net = await page.locator('[data-figure="salesFen"]').textContent();
  expect(net && net !== '¥0.00', `headline net sales: ${net}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
}

export async function checkImpactPage(browser: Browser, baseUrl: string, screenshot = path.resolve('test-results/impact.png')) {
  const [phoneSize, desktopSize] = VIEWPORTS.map(({ width, height }) => ({ width, height }));
  const phone = await browser.newContext({ viewport: phoneSize, deviceScaleFactor: 2, locale: 'zh-CN' });
  try {
    await checkCharts(await phone.newPage(), baseUrl);
  } finally {
    await phone.close();
  }
  const desktop = await browser.newContext({ viewport: desktopSize, locale: 'zh-CN' });
  try {
    const page = await desktop.newPage();
    await checkCharts(page, baseUrl);
    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
  } finally {
    await desktop.close();
  }
}

/** Checks both sizes itself: the runner runs it once. */
export const viewports = 'self';

export default async function impactJourney({ browser, baseUrl }: { browser: Browser; baseUrl: string }) {
  await createPaidSale(baseUrl);
  await checkImpactPage(browser, baseUrl);
}
