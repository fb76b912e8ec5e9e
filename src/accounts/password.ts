/**
 * Password hashing with WebCrypto PBKDF2-SHA256, plugged into Better Auth's `emailAndPassword.password`.
 * Its default scrypt runs in JavaScript and takes far longer than a Worker's CPU budget allows;
 * PBKDF2 runs natively in the runtime. Format: `pbkdf2$<iterations>$<salt b64>$<hash b64>`.
 */
const ITERATIONS = 100_000;
const KEY_BITS = 256;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password.normalize('NFKC')), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, KEY_BITS);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, ITERATIONS);
  return `pbkdf2$${ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

export async function verifyPassword({ hash, password }: { hash: string; password: string }): Promise<boolean> {
  const [scheme, iterationsText, saltText, expectedText] = hash.split('$');
  const iterations = Number(iterationsText);
  if (scheme !== 'pbkdf2' || !saltText || !expectedText || !Number.isInteger(iterations) || iterations < 1) return false;
  const expected = fromBase64(expectedText);
  const actual = await derive(password, fromBase64(saltText), iterations);
  if (actual.length !== expected.length) return false;
  // Constant-time comparison: every byte is looked at whatever the first difference.
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ expected[i]!;
  return diff === 0;
}
