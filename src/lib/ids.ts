const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Random Crockford-base32 string of `length` characters from crypto.getRandomValues. */
export function randomToken(length = 20): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/** Prefixed opaque ids: `newId('ord')` → `ord_4f9k…` (100 bits of randomness). */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(20)}`;
}

/** Hex SHA-256 of a string, for request fingerprints and deterministic keys. */
export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(input));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
