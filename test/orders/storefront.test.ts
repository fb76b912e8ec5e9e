import { beforeAll, describe, expect, it } from 'vitest';
import { browser, idempotencyKeyOf } from '../helpers/browser';
import { demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { makeCooperative, makeProduct, orderRowCounts, row, SHOWROOM } from '../helpers/orders';
import { LOCALISED_RULES, refusalText } from '../../src/orders/refusals';

let coop: string;
let tea: string;
let rice: string;

beforeAll(async () => {
  await seedDatabase();
  coop = await makeCooperative({ name: '澜沧古茶测试社', shippingFlatFeeFen: 1500, freeShippingAboveFen: null });
  tea = await makeProduct({ cooperativeId: coop, unitPriceFen: 8800, stock: 50, nameZh: '澜沧古茶饼' });
  rice = await makeProduct({ cooperativeId: coop, unitPriceFen: 1200, minOrderQuantity: 5, orderStep: 5, stock: 100, nameZh: '墨江紫米' });
});

const CJK = /[\u4e00-\u9fff]/;
const pickupFields = { deliveryMethod: 'pickup', pickupOrganizationId: SHOWROOM, contactName: '李女士', contactPhone: '139 0000 2222', paymentMethod: 'pay_at_pickup' };

describe('立即购买 (buy now)', () => {
  it('Should open checkout for that item alone, leaving the cart as it is', async () => {
    const b = browser();
    await b.post('/cart/items', { productId: rice, quantity: '5' });
    const page = await b.html(`/checkout?productId=${tea}&quantity=2`);
    expect(page).toContain('澜沧古茶饼 × 2');
    expect(page).not.toContain('墨江紫米 ×');
    expect(page).toContain(`name="buyProductId" value="${tea}"`);
    const placed = await b.post('/checkout', { ...pickupFields, idempotencyKey: idempotencyKeyOf(page), buyProductId: tea, buyQuantity: '2' });
    expect(placed.status).toBe(303);
    expect(await row(`SELECT quantity FROM cart_items WHERE cart_id = ?`, b.jar.get('shanhai_cart'))).toEqual({ quantity: 5 });
    expect(await row(`SELECT total_fen AS total FROM orders ORDER BY created_at DESC LIMIT 1`)).toEqual({ total: 17600 });
  });

  it('Should prefill a returning guest’s contact and pickup point from this device, so two taps place the next order', async () => {
    const b = browser();
    const first = await b.html(`/checkout?productId=${tea}&quantity=1`);
    await b.post('/checkout', { ...pickupFields, idempotencyKey: idempotencyKeyOf(first), buyProductId: tea, buyQuantity: '1' });
    expect(b.jar.get('shanhai_buyer')).toBeDefined();
    const again = await b.html(`/checkout?productId=${tea}&quantity=1`);
    expect(again).toContain('value="李女士"');
    expect(again).toContain('value="139 0000 2222"');
    expect(again).toMatch(new RegExp(`<option value="${SHOWROOM}" selected`));
    expect(again).toMatch(/value="pickup" checked/);
    // The second tap: submit the form exactly as rendered.
    const fields = Object.fromEntries([...again.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>/g)].filter((m) => !/type="radio"/.test(m[0]) || /checked/.test(m[0])).map((m) => [m[1]!, m[2]!]));
    fields.pickupOrganizationId = SHOWROOM;
    const before = (await orderRowCounts()).orders!;
    const placed = await b.post('/checkout', fields);
    expect(placed.status).toBe(303);
    expect((await orderRowCounts()).orders).toBe(before + 1);
  });

  it('Should prefill a signed-in buyer’s checkout from their last order', async () => {
    const b = browser(await demoToken('buyer'));
    const first = await b.html(`/checkout?productId=${tea}&quantity=1`);
    await b.post('/checkout', { ...pickupFields, contactName: '陈先生', contactPhone: '13900003333', idempotencyKey: idempotencyKeyOf(first), buyProductId: tea, buyQuantity: '1' });
    const again = await b.html(`/checkout?productId=${tea}&quantity=1`);
    expect(again).toContain('value="陈先生"');
    expect(again).toContain('value="13900003333"');
  });
});

describe('checkout totals', () => {
  it('Should charge no shipping while pickup is chosen and give the script the shipped fee', async () => {
    const b = browser();
    const page = await b.html(`/checkout?productId=${tea}&quantity=1`);
    expect(page).toMatch(/value="pickup" checked/);
    expect(page).toContain('data-ship-fee="1500"');
    expect(page).toContain('<dd data-shipping="true">¥0.00</dd>');
    expect(page).toMatch(/data-total="true">¥88.00</);
    expect(page).toMatch(/<script src="\/assets\/js\/checkout\.[0-9a-f]+\.js"/);
  });

  it('Should show the shipping fee in the total when delivery is chosen', async () => {
    const b = browser();
    const page = await b.html(`/checkout?productId=${tea}&quantity=1`);
    const res = await b.post('/checkout', { idempotencyKey: idempotencyKeyOf(page), buyProductId: tea, buyQuantity: '1', deliveryMethod: 'ship', recipient: '', phone: '', districtId: '', street: '', contactName: '王', contactPhone: '13800000002', paymentMethod: 'pay_at_pickup' });
    const html = await res.text();
    expect(html).toContain('<dd data-shipping="true">¥15.00</dd>');
    expect(html).toMatch(/data-total="true">¥103.00</);
  });
});

describe('refusals in the page language', () => {
  it('Should word every rule in Chinese and in English', () => {
    for (const rule of LOCALISED_RULES) {
      const zh = refusalText({ rule, message: 'english fallback' }, 'zh', { min: 5, step: 5 });
      const en = refusalText({ rule, message: 'english fallback' }, 'en', { min: 5, step: 5 });
      expect(zh, rule).toMatch(CJK);
      expect(en, rule).not.toMatch(CJK);
      expect(zh).not.toContain('{');
    }
  });

  async function refusedCheckout(fields: Record<string, string>, item = { productId: tea, quantity: '1' }) {
    const b = browser();
    const page = await b.html(`/checkout?productId=${item.productId}&quantity=${item.quantity}`);
    const counts = await orderRowCounts();
    const res = await b.post('/checkout', { idempotencyKey: idempotencyKeyOf(page), buyProductId: item.productId, buyQuantity: item.quantity, ...fields });
    expect(await orderRowCounts()).toEqual(counts);
    return { status: res.status, html: await res.text() };
  }
  const ship = { deliveryMethod: 'ship', recipient: '王先生', phone: '13800000002', districtId: 'yangpu', street: '控江路 1000 号', contactName: '王', contactPhone: '13800000002', paymentMethod: 'pay_at_pickup' };

  it('Should say in Chinese that pay at pickup is only for showroom pickups (pay_at_pickup_showroom_only)', async () => {
    const { status, html } = await refusedCheckout(ship);
    expect(status).toBe(422);
    expect(html).toContain('到店付款仅适用于在展销馆自提的订单。');
    expect(html).not.toContain('Pay at pickup is only');
  });

  it('Should say in Chinese that the phone is not a mainland mobile or Shanghai landline (phone_format)', async () => {
    const { html } = await refusedCheckout({ ...ship, phone: '12345', paymentMethod: 'pay_at_pickup' });
    expect(html).toContain('请填写 11 位手机号，或上海座机（021 加 8 位）。');
    expect(html).not.toContain('Enter a mainland mobile');
  });

  it('Should say in Chinese that the street address is too short (street_length)', async () => {
    const { html } = await refusedCheckout({ ...ship, street: '路' });
    expect(html).toContain('详细地址须为 4–200 个字。');
  });

  it('Should say in Chinese that the district is unknown (unknown_district)', async () => {
    const { html } = await refusedCheckout({ ...ship, districtId: 'atlantis' });
    expect(html).toContain('请选择上海的一个区。');
  });

  it('Should say in Chinese that the pickup point may not be used (pickup_point_not_allowed)', async () => {
    const { html } = await refusedCheckout({ ...pickupFields, pickupOrganizationId: 'org_baoshan_canteen' });
    expect(html).toContain('请选择已认证的展销馆');
  });

  it('Should say in Chinese that card payment is off (stripe_unavailable)', async () => {
    const { html } = await refusedCheckout({ ...pickupFields, paymentMethod: 'stripe' });
    expect(html).toContain('银行卡、支付宝和微信支付暂不可用');
  });

  it('Should say in Chinese that invoice terms need an organisation (invoice_needs_organization)', async () => {
    const { html } = await refusedCheckout({ ...pickupFields, paymentMethod: 'invoice' });
    expect(html).toContain('对公转账仅限机构');
  });

  it('Should say in Chinese that the quantity is below the minimum (below_minimum)', async () => {
    const { html } = await refusedCheckout(pickupFields, { productId: rice, quantity: '3' });
    expect(html).toContain('低于起订量 5。');
  });

  it('Should say in Chinese that the quantity is off the step (off_step)', async () => {
    const { html } = await refusedCheckout(pickupFields, { productId: rice, quantity: '7' });
    expect(html).toContain('数量须在起订量之上按 5 递增。');
  });

  it('Should say in Chinese that the product is not for sale (unknown_product)', async () => {
    const { html } = await refusedCheckout(pickupFields, { productId: 'prd_missing', quantity: '1' });
    expect(html).toContain('商品不存在');
  });

  it('Should word zod’s own shape errors in Chinese on a Chinese page', async () => {
    const { status, html } = await refusedCheckout({ ...pickupFields, contactName: '' });
    expect(status).toBe(400);
    expect(html).toMatch(CJK);
    expect(html).not.toMatch(/Too small|Invalid input/);
  });
});

describe('cart badge', () => {
  it('Should keep the cart count in a readable cookie and render it in the tab bar', async () => {
    const b = browser();
    await b.post('/cart/items', { productId: tea, quantity: '1' });
    await b.post('/cart/items', { productId: rice, quantity: '5' });
    expect(b.jar.get('shanhai_cart_n')).toBe('2');
    const page = await b.html('/cart');
    expect(page).toMatch(/<span class="count" data-cart-count="true" data-n="2"[^>]*>2<\/span>/);
    await b.post(`/cart/items/${tea}/remove`, {});
    expect(b.jar.get('shanhai_cart_n')).toBe('1');
  });
});
