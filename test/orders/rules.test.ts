import { describe, expect, it } from 'vitest';
import { orderableQuantity } from '../../src/orders/cart.service';
import { normalizePhone } from '../../src/orders/delivery';
import { shippingFor } from '../../src/pricing/quote';
import { MAX_LINE_QUANTITY, quantityProblem } from '../../src/pricing/pricing';

describe('phone numbers', () => {
  it.each([
    ['13800000001', '13800000001'],
    ['+86 138 0000 0001', '13800000001'],
    ['021-56600000', '021-56600000'],
    ['(021) 6555 0000', '021-65550000'],
    ['65550000', '021-65550000'],
  ])('Should accept %s as %s', (raw, canonical) => {
    expect(normalizePhone(raw)).toBe(canonical);
  });

  it.each(['12345', '12800000001', '010-12345678', '021-0550000', '138000000012', 'phone'])('Should refuse %s', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });
});

describe('shipping per cooperative', () => {
  const rule = { shippingFlatFeeFen: 1000, freeShippingAboveFen: 20000 };
  it('Should charge the flat fee below the threshold and nothing at or above it', () => {
    expect(shippingFor(rule, 19999, 'ship')).toBe(1000);
    expect(shippingFor(rule, 20000, 'ship')).toBe(0);
  });
  it('Should charge nothing for pickup and always the fee without a threshold', () => {
    expect(shippingFor(rule, 100, 'pickup')).toBe(0);
    expect(shippingFor({ shippingFlatFeeFen: 800, freeShippingAboveFen: null }, 1_000_000, 'ship')).toBe(800);
  });
});

describe('orderable cart quantities', () => {
  const product = { minOrderQuantity: 6, orderStep: 4 };
  it.each([
    [1, 6],
    [6, 6],
    [7, 6],
    [9, 10],
    [12, 14],
    [-5, 6],
    [Number.NaN, 6],
  ])('Should turn %s into %s', (wanted, expected) => {
    expect(orderableQuantity(product, wanted)).toBe(expected);
  });
  it('Should always give a quantity the pricing rules accept, within the line cap', () => {
    for (const wanted of [0, 3, 17, 99_999, MAX_LINE_QUANTITY + 10, 1e12]) {
      const q = orderableQuantity(product, wanted);
      expect(quantityProblem(product, q)).toBeNull();
    }
  });
});

