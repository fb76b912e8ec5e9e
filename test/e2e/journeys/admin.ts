/**
 * Journey: the platform admin's day. A new enterprise has signed up and waits for verification, and a
 * showroom pickup order waits for its cash to be recorded. The admin opens the console (today's orders
 * and payments awaiting confirmation counted), verifies the enterprise, confirms the payment with a
 * receipt note, finds both actions in the audit log, and generates last month's settlement statements.
 */
import assert from 'node:assert/strict';
import { horizontalOverflow, newContext, screenshot, signInContext, type Journey } from '../support';

const ADMIN = 'admin@shanhai.local';
const SHOWROOM = 'org_lijiang_showroom_yangpu';
const PRODUCT = 'prd_xw_ham_002';

type Json = Record<string, any>;

async function post(baseUrl: string, path: string, json: unknown, token?: string): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

/** A new user signs up and registers an enterprise: it starts pending. */
async function pendingEnterprise(baseUrl: string): Promise<{ id: string; name: string }> {
  const suffix = Date.now().toString(36);
  const signUp = await post(baseUrl, '/api/auth/sign-up/email', { email: `hr-${suffix}@enterprise.test`, password: 'enterprise-pass-123', name: '企业工会 采购' });
  const token = signUp.headers.get('set-auth-token');
  assert.ok(signUp.status === 200 && token, `sign-up answered ${signUp.status}: ${JSON.stringify(signUp.body)}`);
  const name = `上海测试企业工会 ${suffix}`;
  const org = await post(baseUrl, '/api/v1/organizations', { kind: 'enterprise', name, districtId: 'yangpu', invoiceTitle: '上海测试企业有限公司', taxId: '91310110MA1G000000' }, token);
  assert.equal(org.status, 201, `creating the enterprise answered ${org.status}: ${JSON.stringify(org.body)}`);
  assert.equal(org.body.status, 'pending');
  return { id: org.body.id, name };
}

/** A guest orders for pickup at the showroom, paying there: its payment waits for the admin. */
async function pickupOrder(baseUrl: string): Promise<{ orderId: string; paymentId: string }> {
  const placed = await post(baseUrl, '/api/v1/orders', {
    items: [{ productId: PRODUCT, quantity: 1 }],
    delivery: { method: 'pickup', pickupOrganizationId: SHOWROOM },
    contact: { name: '李先生', phone: '13700001111' },
    paymentMethod: 'pay_at_pickup',
  });
  assert.equal(placed.status, 201, `placing the order answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  return { orderId: placed.body.id, paymentId: placed.body.payment.id };
}

function lastMonth(): { start: string; end: string } {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}

const adminJourney: Journey = async ({ browser, baseUrl }) => {
  const enterprise = await pendingEnterprise(baseUrl);
  const order = await pickupOrder(baseUrl);
  const context = await newContext(browser);
  await signInContext(context, baseUrl, ADMIN);
  const page = await context.newPage();

  // 1. The console counts today's orders and the payments awaiting confirmation.
  const opened = await page.goto(`${baseUrl}/admin`);
  assert.equal(opened?.status(), 200, `/admin answered ${opened?.status()}`);
  for (const section of ['todays-orders', 'payments-awaiting']) {
    const count = Number(await page.locator(`[data-section="${section}"] [data-count]`).getAttribute('data-count'));
    assert.ok(count >= 1, `${section} counts ${count}`);
  }
  assert.equal(await horizontalOverflow(page), 0, 'the console fits the screen');
  await screenshot(page, 'admin-1-console');

  // 2. Verify the enterprise.
  await page.goto(`${baseUrl}/admin/organizations?status=pending`);
  const row = page.locator(`tr[id="${enterprise.id}"]`);
  assert.ok((await row.innerText()).includes(enterprise.name), 'the pending enterprise is listed');
  await Promise.all([page.waitForURL(/\/admin\/organizations/), row.locator(`form[action$="/verify"] button`).click()]);
  await page.goto(`${baseUrl}/admin/organizations?status=verified`);
  assert.equal(await page.locator(`tr[id="${enterprise.id}"]`).count(), 1, 'the enterprise is now verified');
  await screenshot(page, 'admin-2-organizations');

  // 3. Record the cash taken at the showroom.
  await page.goto(`${baseUrl}/admin/payments`);
  const payment = page.locator(`tr[data-payment-id="${order.paymentId}"]`);
  await payment.locator('input[name="bankReference"]').fill('展销馆现金收讫 #0001');
  await Promise.all([page.waitForURL(/notice=confirmed/), payment.getByRole('button', { name: '确认收款' }).click()]);
  assert.ok(await page.getByText('已确认收款。').isVisible(), 'the confirmation is announced');
  assert.equal(await horizontalOverflow(page), 0, 'the payments page fits the screen');
  await screenshot(page, 'admin-3-payments');

  // 4. Both actions are in the audit log.
  for (const entityId of [enterprise.id, order.paymentId]) {
    await page.goto(`${baseUrl}/admin/audit?entityId=${encodeURIComponent(entityId)}`);
    assert.ok((await page.locator('tr[data-audit]').count()) >= 1, `the audit log has an entry for ${entityId}`);
  }
  await screenshot(page, 'admin-4-audit');

  // 5. Last month's settlement statements.
  const period = lastMonth();
  await page.goto(`${baseUrl}/admin/settlements`);
  await page.getByLabel('开始日期').fill(period.start);
  await page.getByLabel('结束日期（含）').fill(period.end);
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '生成结算单' }).click()]);
  assert.match(await page.locator('main [role="status"]').innerText(), /已生成 \d+ 张结算单/);
  assert.equal(await horizontalOverflow(page), 0, 'the settlements page fits the screen');
  await screenshot(page, 'admin-5-settlements');
};

export default adminJourney;
