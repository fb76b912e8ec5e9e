/**
 * Journey: a cooperative clerk (on a phone, then at a desk) uploads a camera-sized product photo — the page
 * crops it square and makes its three sizes before sending — and the buyer's catalog shows it as the card
 * picture; the clerk accepts and ships a shipment with a tracking number, and the buyer's order page then
 * shows it shipped.
 *
 * Runs against `wrangler dev` with the seeded demo data (see test/e2e/run.ts). The shipment comes
 * from a guest order placed through POST /api/v1/orders (pay at pickup, collected at the Lijiang
 * showroom in Yangpu), so the journey also proves that such an order reaches the cooperative.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { axeReport, newContext, seriousViolations, signInThroughPage, type Journey } from '../support';

const CLERK = { email: 'coop-a@shanhai.local', password: 'shanhai-demo-2026' };
/** Xuanwei ham slices, made by the clerk's cooperative. */
const PRODUCT_SKU = 'XW-HAM-002';
const PRODUCT_ID = 'prd_xw_ham_002';
const SHOWROOM = 'org_lijiang_showroom_yangpu';

/** A real 1×1 PNG, so the server's byte sniffing sees a genuine image. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** Runs in the page: a 1600×1200 picture with gradients and noise (so PNG cannot shrink it), as base64 PNG. */
function cameraPicture(): string {
  const canvas = document.createElement('canvas');
  canvas.width = 1600;
  canvas.height = 1200;
  const ctx = canvas.getContext('2d')!;
  const gradient = ctx.createLinearGradient(0, 0, 1600, 1200);
  gradient.addColorStop(0, '#8a5a3b');
  gradient.addColorStop(1, '#f3ead8');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, 1600, 1200);
  const image = ctx.getImageData(0, 0, 1600, 1200);
  let seed = 7;
  for (let i = 0; i < image.data.length; i += 4) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    image.data[i] = (image.data[i]! + (seed % 40)) & 0xff;
  }
  ctx.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png').split(',')[1]!;
}

/** Width and height of a baseline or progressive JPEG (its SOF marker). */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  for (let i = 2; i < bytes.length - 9; ) {
    const marker = bytes[i + 1]!;
    if (marker === 0xc0 || marker === 0xc2) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  return { width: 0, height: 0 };
}

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
    // A phone camera's picture: 1600×1200, drawn by the browser itself, sent as a PNG of several hundred KB.
    const cameraPhoto = Buffer.from(await page.evaluate(cameraPicture), 'base64');
    check(cameraPhoto.byteLength > PNG.byteLength * 100, 'the test picture is a real, large image');
    await page.locator('#photo-file').setInputFiles({ name: 'ham-slices.png', mimeType: 'image/png', buffer: cameraPhoto });
    // The page's script crops it square and makes the 1200 / 480 / 160 px JPEGs before it is sent.
    await page.locator('[data-photo-preview]:not([hidden])').waitFor();
    await Promise.all([page.waitForURL(/saved=/), page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()]);
    const photos = page.locator('img[src^="/photos/"]');
    check((await photos.count()) === photosBefore + 1, 'the uploaded photo is not shown on the product page');
    const editorViolations = await seriousViolations(page);
    check(editorViolations.length === 0, axeReport('product editor', editorViolations));
    const src = (await photos.last().getAttribute('src'))!;
    check(src.endsWith('?size=thumb'), `the portal lists photos by their thumbnail (${src})`);
    const key = src.replace(/\?size=thumb$/, '');
    for (const [size, side] of [['', 1200], ['?size=card', 480], ['?size=thumb', 160]] as const) {
      const served = await clerk.request.get(`${baseUrl}${key}${size}`);
      check(served.status() === 200 && served.headers()['content-type'] === 'image/jpeg', `photo${size} served with ${served.status()} ${served.headers()['content-type']}`);
      check(served.headers()['cache-control']?.includes('immutable'), 'photo is not served with a long immutable cache');
      const dims = jpegSize(await served.body());
      check(dims.width === side && dims.height === side, `photo${size} is ${dims.width}×${dims.height}, not ${side}×${side}`);
    }
    // The buyer's catalog shows the new cover as the product's card picture.
    const catalogPage = await buyer.newPage();
    await catalogPage.goto(`${baseUrl}/products?q=${encodeURIComponent('宣威火腿切片')}`);
    const cardImage = catalogPage.locator(`a[href="/products/${PRODUCT_ID}"] img, [data-product-id="${PRODUCT_ID}"] img`).first();
    await cardImage.waitFor();
    const cardSrc = (await cardImage.getAttribute('src')) ?? '';
    check(cardSrc.startsWith('/photos/') && cardSrc.endsWith('?size=card'), `the catalog card shows the photo's card copy (${cardSrc})`);
    check(await cardImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 480), 'the catalog card picture loaded at 480 px');
    await catalogPage.close();

    // 2. A buyer orders; the clerk accepts and ships the shipment with a tracking number.
    const order = await placeOrder(buyer, baseUrl);
    await page.goto(`${baseUrl}/portal/shipments?status=pending`);
    const shipmentsViolations = await seriousViolations(page);
    check(shipmentsViolations.length === 0, axeReport('shipments', shipmentsViolations));
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
