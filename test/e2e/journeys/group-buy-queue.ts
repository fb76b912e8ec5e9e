/**
 * A group buy from the WeChat link to the Saturday queue, all at 390×844: the showroom manager creates a group
 * with a pickup window through the form; the share page's countdown ticks (two screenshots seconds apart) and
 * its og:image is a real image a WeChat link card can show; three residents join with the − / + steppers; the
 * group closes; the desk hands over by a typed code (a scanner types it and presses Enter), by the last four
 * digits of a phone and by a photo of a resident's QR code, and its counter reads 1, 2, 3 handed over.
 * axe-core finds nothing serious or critical on the share, participant and desk pages.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeReport, horizontalOverflow, screenshot, seriousViolations, signInContext, type Journey } from '../support';

/** It sizes its own phone contexts, so it runs once. */
export const viewports = 'self';

const SHOWROOM = { email: 'showroom@shanhai.local', password: 'shanhai-demo-2026' };
const SHIITAKE = 'prd_jd_mus_001';

async function phone(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  context.setDefaultTimeout(15_000);
  return context;
}

async function noSeriousViolations(page: Page, label: string): Promise<void> {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, `axe on the ${label}:\n${axeReport(label, violations)}`);
}

/** Width and height of a PNG (IHDR) or a baseline/progressive JPEG (SOF0/SOF2). */
function imageSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return { width: view.getUint32(16), height: view.getUint32(20) };
  for (let i = 2; i < bytes.length - 9; ) {
    const marker = bytes[i + 1]!;
    if (marker === 0xc0 || marker === 0xc2) return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    i += 2 + view.getUint16(i + 2);
  }
  throw new Error('not a PNG or JPEG');
}

const tally = async (desk: Page) => Number((await desk.locator('[data-tally="handedOver"]').textContent())?.trim());
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

async function handOver(desk: Page, code: string, expectedTally: number): Promise<void> {
  await desk.getByTestId('desk-result').filter({ hasText: code }).waitFor();
  await desk.getByTestId('desk-hand-over').click();
  await desk.getByTestId('desk-done').filter({ hasText: code }).waitFor();
  assert.equal(await tally(desk), expectedTally, `${expectedTally} handed over`);
  assert.equal(await focusedId(desk), 'desk-code', 'the code field is focused again for the next in the queue');
}

const journey: Journey = async ({ browser, baseUrl }) => {
  // 1. The showroom manager creates the group through the form, with a pickup window.
  const managerContext = await phone(browser);
  await signInContext(managerContext, baseUrl, SHOWROOM.email, SHOWROOM.password);
  const manager = await managerContext.newPage();
  const title = `周六香菇团 ${Date.now() % 100000}`;
  await manager.goto(`${baseUrl}/group-buys/new`);
  await manager.getByLabel('标题').fill(title);
  await manager.locator('#f-minp').fill('3');
  await manager.locator('#f-pickup-from').fill('09:30');
  await manager.locator('#f-pickup-to').fill('11:30');
  // Products are grouped by category, folded: open the shiitake's.
  await manager.locator('details.gb-category', { has: manager.locator(`#inc-${SHIITAKE}`) }).locator('summary').click();
  await manager.locator(`#inc-${SHIITAKE}`).check();
  await manager.locator(`input[name="price_${SHIITAKE}"]`).fill('42.80');
  await manager.getByRole('button', { name: '创建团购' }).click();
  await manager.waitForURL(/\/group-buys\/[^/]+\/manage$/);
  const groupId = new URL(manager.url()).pathname.split('/')[2]!;
  const shareUrl = await manager.getByLabel('分享链接').inputValue();
  const sharePath = new URL(shareUrl).pathname;

  // 2. The link card: og:title and an og:image that is a PNG or JPEG of at least 300×300.
  const shareHtml = await (await fetch(`${baseUrl}${sharePath}`)).text();
  assert.match(shareHtml, new RegExp(`<meta property="og:title" content="${title}`));
  const ogImage = /<meta property="og:image" content="([^"]+)"/.exec(shareHtml)?.[1];
  assert.ok(ogImage && /^https?:\/\//.test(ogImage), `og:image is an absolute URL (${ogImage})`);
  const image = await fetch(new URL(new URL(ogImage).pathname + new URL(ogImage).search, baseUrl));
  assert.equal(image.status, 200);
  assert.match(image.headers.get('content-type') ?? '', /^image\/(png|jpeg)$/);
  const size = imageSize(new Uint8Array(await image.arrayBuffer()));
  assert.ok(size.width >= 300 && size.height >= 300, `og:image is ${size.width}×${size.height}`);

  // 3. The share page: the countdown ticks from the server's clock.
  const residents: { name: string; phone: string; code: string; page: Page }[] = [];
  const first = await (await phone(browser)).newPage();
  await first.goto(`${baseUrl}${sharePath}`);
  const countdown = first.getByTestId('countdown');
  const before = (await countdown.textContent())?.trim() ?? '';
  await screenshot(first, 'gb-queue-1-share');
  await first.waitForTimeout(2500);
  const after = (await countdown.textContent())?.trim() ?? '';
  await screenshot(first, 'gb-queue-2-share-later');
  assert.match(before, /\d\d:\d\d:\d\d$/);
  assert.notEqual(after, before, `the countdown moved (${before} → ${after})`);
  assert.match((await first.getByTestId('still-needed').textContent()) ?? '', /还差\s*3\s*人/);
  assert.equal(await horizontalOverflow(first), 0, 'the share page fits a 390 px phone');
  await noSeriousViolations(first, 'share page');

  // 4. Three residents join, each with the stepper (1 by default, + makes 2).
  const people = [
    { name: '陈阿姨', phone: '13912341001' },
    { name: '李叔叔', phone: '13912342002' },
    { name: '王奶奶', phone: '13912343003' },
  ];
  for (const [index, person] of people.entries()) {
    const page = index === 0 ? first : await (await phone(browser)).newPage();
    if (index > 0) await page.goto(`${baseUrl}${sharePath}`);
    const quantity = page.locator(`input[name="qty_${SHIITAKE}"]`);
    assert.equal(await quantity.inputValue(), '1', 'the quantity starts at 1');
    await page.locator('[data-step-by="1"]').first().click();
    assert.equal(await quantity.inputValue(), '2');
    await page.getByLabel('姓名').fill(person.name);
    await page.getByLabel('手机号').fill(person.phone);
    await page.getByLabel('到自提点提货时付款').check();
    await page.getByTestId('join-submit').click();
    await page.waitForURL(/\/g\/[0-9a-z]+\/me\?token=/);
    const code = (await page.getByTestId('pickup-code').textContent())?.trim() ?? '';
    assert.match(code, /^[2-9A-HJKMNP-Z]{6}$/);
    residents.push({ ...person, code, page });
  }
  const last = residents[2]!;
  assert.ok(await last.page.getByText('邀请邻居成团').first().isVisible(), 'after joining, inviting neighbours comes first');
  assert.ok((await last.page.getByTestId('me-pickup-window').textContent())?.includes('09:30'), 'the pickup window is on the participant page');
  await screenshot(last.page, 'gb-queue-3-participant');
  await noSeriousViolations(last.page, 'participant page');
  // The resident shows the QR on their phone; the desk photographs it.
  const qrPhoto = await last.page.getByTestId('pickup-qr').screenshot({ type: 'png' });

  // 5. The group closes (the manager closes it now rather than waiting for the deadline).
  await manager.goto(`${baseUrl}/group-buys/${groupId}/manage`);
  manager.once('dialog', (dialog) => void dialog.accept());
  await manager.getByRole('button', { name: '立即截团' }).click();
  await manager.getByText('已成团').first().waitFor();

  // 6. The desk, with a queue.
  await manager.goto(`${baseUrl}/group-buys/${groupId}/desk`);
  assert.equal(await focusedId(manager), 'desk-code', 'the code field is focused when the desk opens');
  assert.equal(await tally(manager), 0);
  await noSeriousViolations(manager, 'desk page');

  // a. Typed (or a scanner gun: the code and Enter), lower case as people type it.
  await manager.getByTestId('desk-code').fill(residents[0]!.code.toLowerCase());
  await manager.getByTestId('desk-code').press('Enter');
  await handOver(manager, residents[0]!.code, 1);

  // b. Lost the code: the last four digits of the phone, then the one match.
  await manager.getByTestId('desk-tail').fill(residents[1]!.phone.slice(-4));
  await manager.getByRole('button', { name: '按尾号查找' }).click();
  await manager.getByTestId('desk-pick').first().click();
  await handOver(manager, residents[1]!.code, 2);

  // c. A photo of the QR code on the resident's phone, decoded in the page.
  await manager.locator('#desk-scan-file').setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: qrPhoto });
  await handOver(manager, last.code, 3);
  await screenshot(manager, 'gb-queue-4-desk');
  assert.equal(Number(await manager.locator('[data-tally="waiting"]').textContent()), 0, 'nobody is left waiting');
};

export default journey;
