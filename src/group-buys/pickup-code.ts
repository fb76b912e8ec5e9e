/**
 * Pickup codes (提货码): six characters read aloud at a showroom counter or typed on a phone.
 * The alphabet leaves out 0/O, 1/I/L so nobody mistakes one for another; 31^6 ≈ 8.9e8 codes.
 * Drawn from crypto.getRandomValues with rejection sampling (no modulo bias), never sequential,
 * so one participant's code says nothing about another's. Uniqueness within a group buy is the
 * database's job (unique index on (group_buy_id, pickup_code)); the join retries on a collision.
 */
export const PICKUP_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const PICKUP_CODE_LENGTH = 6;

/** Largest multiple of the alphabet size that fits in a byte: bytes at or above it are redrawn. */
const UNBIASED_LIMIT = 256 - (256 % PICKUP_CODE_ALPHABET.length);

export function randomPickupCode(): string {
  let code = '';
  while (code.length < PICKUP_CODE_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(PICKUP_CODE_LENGTH * 2))) {
      if (byte < UNBIASED_LIMIT && code.length < PICKUP_CODE_LENGTH) code += PICKUP_CODE_ALPHABET[byte % PICKUP_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** What a desk clerk typed → the stored form: upper case, spaces and dashes dropped. */
export function normalizePickupCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

export function isPickupCodeShaped(code: string): boolean {
  return code.length === PICKUP_CODE_LENGTH && [...code].every((ch) => PICKUP_CODE_ALPHABET.includes(ch));
}
