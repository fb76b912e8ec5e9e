/**
 * axe-core in Chromium on the pages a buyer meets — home, catalog, product, cart, checkout, a group-buy
 * join page and the public impact page — at a phone (390×844) and a desktop (1280×800) size: no serious
 * or critical violation of WCAG 2.x A/AA rules.
 *
 * The cart and checkout are seen with a product in the cart. The group buy is opened through the API as
 * the Lijiang showroom's manager; /impact and the group-buy page are skipped, with a message, only while
 * their routes are not merged (the journey asks the OpenAPI document).
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { axeReport, bearerToken, screenshot, seriousViolations, useViewport, VIEWPORTS, type Journey, type Viewport } from '../support';

const SHOWROOM = 'org_lijiang_showroom_yangpu';
const PRODUCT = 'prd_xw_ham_002';

async function routeExists(baseUrl: string, path: string): Promise<boolean> {
  const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  return path in doc.paths;
}

/** Opens a group buy of ham slices at the showroom through the API and returns its join page's path. */
async function openGroupBuy(baseUrl: string): Promise<string> {
  const token = await bearerToken(baseUrl, 'showroom@shanhai.local');
  const res = await fetch(`${baseUrl}/api/v1/group-buys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, origin: baseUrl },
    body: JSON.stringify({ organizationId: SHOWROOM, pickupOrganizationId: SHOWROOM, title: '宣威火腿切片 团购', closesAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), pickupStartsAt: new Date(Date.now() + 4 * 86_400_000).toISOString(), pickupEndsAt: new Date(Date.now() + 4 * 86_400_000 + 7_200_000).toISOString(), items: [{ productId: PRODUCT }] }),
  });
  const body = (await res.json()) as { id: string; shortCode?: string; shareUrl?: string };
  assert.equal(res.status, 201, `POST /api/v1/group-buys answered ${res.status}: ${JSON.stringify(body)}`);
  return body.shareUrl ? new URL(body.shareUrl, baseUrl).pathname : `/g/${body.shortCode}`;
}

async function pageAt(browser: Browser, viewport: Viewport): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, locale: 'zh-CN', deviceScaleFactor: 1 });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

const accessibilityJourney: Journey = async ({ browser, baseUrl }) => {
  const pages: Array<[string, string]> = [
    ['home', '/'],
    ['catalog', '/products'],
    ['product', `/products/${PRODUCT}`],
    ['product (English)', `/products/${PRODUCT}?lang=en`],
  ];
  const inCart: Array<[string, string]> = [
    ['cart', '/cart'],
    ['checkout', '/checkout'],
  ];
  if (await routeExists(baseUrl, '/api/v1/group-buys')) pages.push(['group-buy join', await openGroupBuy(baseUrl)]);
  else console.log('      (group-buy join page skipped: /api/v1/group-buys is not merged yet)');
  if (await routeExists(baseUrl, '/api/v1/impact')) pages.push(['impact', '/impact']);
  else console.log('      (impact page skipped: /api/v1/impact is not merged yet)');

  // The check itself: a page with an unlabelled field and an image without text must fail it.
  const probe = await pageAt(browser, VIEWPORTS[0]!);
  await probe.setContent('<!doctype html><html lang="zh"><head><title>t</title></head><body><main><img src="data:,"><input type="text"></main></body></html>');
  const caught = (await seriousViolations(probe)).map((v) => v.id).sort();
  assert.deepEqual(caught, ['image-alt', 'label'], `axe-core catches a known-bad page (found: ${caught.join(', ')})`);
  await probe.context().close();

  const failures: string[] = [];
  let checked = 0;
  for (const viewport of VIEWPORTS) {
    useViewport(viewport);
    const page = await pageAt(browser, viewport);
    const visit = async ([name, path]: [string, string]) => {
      const res = await page.goto(`${baseUrl}${path}`);
      assert.equal(res?.status(), 200, `${name} (${path}) answered ${res?.status()}`);
      const violations = await seriousViolations(page);
      checked += 1;
      if (violations.length) {
        failures.push(axeReport(`${name} at ${viewport.name}`, violations));
        await screenshot(page, `accessibility-${name.replace(/\W+/g, '-')}`);
      }
    };
    for (const entry of pages) await visit(entry);
    // A product in the cart, so the cart and checkout show their real forms.
    await page.goto(`${baseUrl}/products/${PRODUCT}`);
    await Promise.all([page.waitForURL(/\/cart\?added=1/), page.locator('form[action="/cart/items"] button[type="submit"]:not([formaction])').click()]);
    for (const entry of inCart) await visit(entry);
    await page.context().close();
  }
  console.log(`      axe-core: ${checked} page views, ${failures.length} with serious or critical violations`);
  assert.equal(failures.length, 0, `serious or critical accessibility violations:\n${failures.join('\n')}`);
};

/** Checks both sizes itself: the runner runs it once. */
export const viewports = 'self';

export default accessibilityJourney;
