import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { PICKUP_CODE_ALPHABET, PICKUP_CODE_LENGTH, isPickupCodeShaped, normalizePickupCode, randomPickupCode } from '../../src/group-buys/pickup-code';
import { demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { joinGroupBuy, openGroupBuy } from '../helpers/group-buys';

beforeAll(seedDatabase);

function letterCounts(codes: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ch of codes.join('')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts;
}

describe('pickup codes', () => {
  it('Should use only unambiguous characters', () => {
    for (const ch of '01OIL') expect(PICKUP_CODE_ALPHABET).not.toContain(ch);
    expect(new Set(PICKUP_CODE_ALPHABET).size).toBe(PICKUP_CODE_ALPHABET.length);
  });

  it('Should draw every character about equally often (no modulo bias)', () => {
    const codes = Array.from({ length: 20_000 }, randomPickupCode);
    const counts = letterCounts(codes);
    const expected = (20_000 * PICKUP_CODE_LENGTH) / PICKUP_CODE_ALPHABET.length;
    expect(counts.size).toBe(PICKUP_CODE_ALPHABET.length);
    // Chi-square over 30 degrees of freedom: 59.7 is the 0.1% critical value.
    const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(59.7);
  });

  it('Should read codes typed with spaces, dashes or in lower case', () => {
    expect(normalizePickupCode(' ab3-k7m ')).toBe('AB3K7M');
    expect(isPickupCodeShaped('AB3K7M')).toBe(true);
    expect(isPickupCodeShaped('AB3K7')).toBe(false);
    expect(isPickupCodeShaped('AB3K70')).toBe(false);
  });

  it('Should give 200 participants of one group 200 different codes spread over the alphabet, in no order', async () => {
    const group = await openGroupBuy(await demoToken('showroomManager'));
    const codes: string[] = [];
    for (let i = 0; i < 200; i++) {
      const { status, body } = await joinGroupBuy(group.id);
      expect(status).toBe(201);
      codes.push(body.pickupCode);
    }
    expect(new Set(codes).size).toBe(200);
    expect(codes.every(isPickupCodeShaped)).toBe(true);
    const counts = letterCounts(codes);
    // 1,200 characters over 31 symbols: about 39 each; every symbol appears, none dominates.
    expect(counts.size).toBe(PICKUP_CODE_ALPHABET.length);
    expect(Math.max(...counts.values())).toBeLessThan(80);
    // Not sequential: consecutive joiners' codes share no more than chance would.
    const sharedPositions = codes.slice(1).map((code, i) => [...code].filter((ch, p) => ch === codes[i]![p]).length);
    expect(sharedPositions.reduce((a, b) => a + b, 0) / sharedPositions.length).toBeLessThan(1);
    const stored = await env.DB.prepare('SELECT count(DISTINCT pickup_code) AS n FROM group_buy_participants WHERE group_buy_id = ?').bind(group.id).first('n');
    expect(stored).toBe(200);
  });
});
