/**
 * Journey: a cooperative clerk (on a phone, then at a desk) uploads a product photo, accepts and ships a shipment
 * with a tracking number, and the buyer's order page then shows it shipped.
 *
 * Runs against `wrangler dev` with the seeded demo data (see test/e2e/run.ts). The shipment comes
 * from a guest order placed through POST /api/v1/orders (pay at pickup, collected at the Lijiang
 * showroom in Yangpu), so the journey also proves that such an order reaches the cooperative.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { newContext, signInThroughPage, type Journey } from '../support';

const CLERK = { email: 'coop-a@shanhai.local', password: 'shanhai-demo-2026' };
/** Xuanwei ham slices, made by the clerk's cooperative. */
const PRODUCT_SKU = 'XW-HAM-002';
const PRODUCT_ID = 'prd_xw_ham_002';
const SHOWROOM = 'org_lijiang_showroom_yangpu';

/** A real 1×1 PNG, so the server's byte sniffing sees a genuine image. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`cooperative journey: ${message}`);
}

/** Signs the clerk in through the sign-in page and opens the portal. */
async function signIn(page: Page, baseUrl: string) {
  await signInThroughPage(page, baseUrl, CLERK.email, '/portal', CLERK.password);
  const portal = await page.goto(`${baseUrl}/portal`);
  check(portal?.status() === 200, `portal answered ${portal?.status()} after sign-in`);
}

/** Places a guest order for one box of ham slices to be picked up (and paid) at the showroom. */
async function placeOrder(buyer: BrowserContext, baseUrl: string) {
  const res = await buyer.request.post(`${baseUrl}/api/v1/orders`, {
    headers: { origin: baseUrl, 'idempotency-key': `journey-coop-${Date.now()}` },
    data: {
      items: [{ productId: PRODUCT_ID, quantity: 1 }],
      delivery: { method: 'pickup', pickupOrganizationId: SHOWROOM },
      contact: { name: '王女士', phone: '13900001234' },
      paymentMethod: 'pay_at_pickup',
    },
  });
  check(res.status() === 201, `POST /api/v1/orders answered ${res.status()}: ${await res.text()}`);
  const order = (await res.json()) as {
    id: string;
    accessToken?: string;
    orderUrl?: string;
    url?: string;
    shipments: { id: string; cooperativeId?: string }[];
  };
  const link = order.orderUrl ?? order.url;
  const token = order.accessToken ?? (link ? new URL(link, baseUrl).searchParams.get('token') : null);
  check(token, 'the order response carries no access token for the guest order page');
  check(order.shipments.length === 1, `expected one shipment, got ${order.shipments.length}`);
  return { orderId: order.id, token, shipmentId: order.shipments[0]!.id };
}

const cooperativeJourney: Journey = async ({ browser, baseUrl }) => {
  // The clerk and the buyer at the size the runner runs this journey at (phone, then desktop).
  const clerk = await newContext(browser);
  const buyer = await newContext(browser);
  try {
    const page = await clerk.newPage();
    await signIn(page, baseUrl);

    // 1. Upload a photo to one of the cooperative's products.
    await page.goto(`${baseUrl}/portal/products`);
    await Promise.all([page.waitForLoadState('load'), page.locator(`a[href^="/portal/products/${PRODUCT_ID}"]`).first().click()]);
    check(page.url().includes(`/portal/products/${PRODUCT_ID}`), `expected the ${PRODUCT_SKU} editor, got ${page.url()}`);
    const photosBefore = await page.locator('img[src^="/photos/"]').count();
    await page.locator('#photo-file').setInputFiles({ name: 'ham-slices.png', mimeType: 'image/png', buffer: PNG });
    await Promise.all([page.waitForURL(/saved=/), page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()]);
    const photos = page.locator('img[src^="/photos/"]');
    check((await photos.count()) === photosBefore + 1, 'the uploaded photo is not shown on the product page');
    const src = (await photos.last().getAttribute('src'))!;
    const served = await clerk.request.get(`${baseUrl}${src}`);
    check(served.status() === 200 && served.headers()['content-type'] === 'image/png', `photo served with ${served.status()} ${served.headers()['content-type']}`);
    check(served.headers()['cache-control']?.includes('immutable'), 'photo is not served with a long immutable cache');

    // 2. A buyer orders; the clerk accepts and ships the shipment with a tracking number.
    const order = await placeOrder(buyer, baseUrl);
    await page.goto(`${baseUrl}/portal/shipments?status=pending`);
    const card = page.locator(`article#${order.shipmentId}`);
    check((await card.count()) === 1, `shipment ${order.shipmentId} is not listed as pending for the cooperative`);
    await Promise.all([page.waitForURL(/done=1/), card.locator('button[value="accept"]').click()]);
    const accepted = page.locator(`article#${order.shipmentId}`);
    check((await accepted.getAttribute('data-status')) === 'accepted', 'the shipment did not become accepted');
    const tracking = `SF${Date.now().toString().slice(-10)}`;
    await accepted.locator('input[name="carrier"]').fill('顺丰速运');
    await accepted.locator('input[name="trackingNumber"]').fill(tracking);
    await Promise.all([page.waitForURL(/done=1/), accepted.locator('button[value="ship"]').click()]);
    const shipped = page.locator(`article#${order.shipmentId}`);
    check((await shipped.getAttribute('data-status')) === 'shipped', 'the shipment did not become shipped');
    check((await shipped.locator('.tracking').textContent())?.trim() === tracking, 'the tracking number is not shown on the card');

    // 3. The buyer's order page shows the shipment shipped.
    const buyerPage = await buyer.newPage();
    const res = await buyerPage.goto(`${baseUrl}/orders/${order.orderId}?token=${order.token}`);
    check(res?.status() === 200, `the buyer's order page answered ${res?.status()}`);
    const text = await buyerPage.locator('main').innerText();
    check(text.includes(tracking), "the buyer's order page does not show the tracking number");
    check(/已发货|shipped/i.test(text), "the buyer's order page does not say the shipment is shipped");
  } finally {
    await clerk.close();
    await buyer.close();
  }
};

export default cooperativeJourney;
