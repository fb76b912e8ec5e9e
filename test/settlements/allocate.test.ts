import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/settlements/allocate';

describe('allocate', () => {
  it('Should split by largest remainder, earlier entries winning ties', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [3, 3, 4])).toEqual([3, 3, 4]);
    expect(allocate(1, [5, 5])).toEqual([1, 0]);
    expect(allocate(7, [0, 1])).toEqual([0, 7]);
  });

  it('Should stay exact for amounts whose products pass 2^53', () => {
    const parts = allocate(9_999_999_999, [9_876_543_210, 1_234_567_891, 3]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(9_999_999_999);
  });

  it('Should always add up to the amount with every part within a fen of its exact share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 8 }), (amount, weights) => {
        const parts = allocate(amount, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
        const total = weights.reduce((a, b) => a + b, 0);
        parts.forEach((part, i) => {
          const exact = (amount * weights[i]!) / total;
          expect(part).toBeGreaterThanOrEqual(Math.floor(exact) - 1);
          expect(part).toBeLessThanOrEqual(Math.ceil(exact) + 1);
        });
      }),
    );
  });

  it('Should refuse to split over nothing', () => {
    expect(() => allocate(5, [])).toThrow();
    expect(() => allocate(5, [0, 0])).toThrow();
  });
});
