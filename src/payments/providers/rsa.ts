/**
 * RSA with SHA-256 (PKCS#1 v1.5) through WebCrypto, the scheme both WeChat Pay v3 (SHA256-RSA2048) and
 * Alipay (RSA2) sign with. Keys come as PEM or as the bare base64 body Alipay's console hands out;
 * private keys must be PKCS#8 (`-----BEGIN PRIVATE KEY-----`), public keys SPKI.
 */

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The DER bytes of a PEM block (headers and line breaks dropped), or of a bare base64 key. */
function derOf(pem: string): Uint8Array<ArrayBuffer> {
  return base64ToBytes(pem.replace(/-----(BEGIN|END)[A-Z ]+-----/g, '').replace(/\\n/g, '').replace(/\s+/g, ''));
}

const privateKeys = new Map<string, Promise<CryptoKey>>();
const publicKeys = new Map<string, Promise<CryptoKey>>();

/** Imported once per isolate: importing is the slow part of signing. */
export function importPrivateKey(pem: string): Promise<CryptoKey> {
  let key = privateKeys.get(pem);
  if (!key) {
    key = crypto.subtle.importKey('pkcs8', derOf(pem), ALGORITHM, false, ['sign']);
    privateKeys.set(pem, key);
    key.catch(() => privateKeys.delete(pem));
  }
  return key;
}

export function importPublicKey(pem: string): Promise<CryptoKey> {
  let key = publicKeys.get(pem);
  if (!key) {
    key = crypto.subtle.importKey('spki', derOf(pem), ALGORITHM, false, ['verify']);
    publicKeys.set(pem, key);
    key.catch(() => publicKeys.delete(pem));
  }
  return key;
}

export async function signSha256Rsa(privateKeyPem: string, message: string): Promise<string> {
  const signature = await crypto.subtle.sign(ALGORITHM, await importPrivateKey(privateKeyPem), new TextEncoder().encode(message));
  return bytesToBase64(signature);
}

/** False (never a throw) for a signature that is not base64 or does not match. */
export async function verifySha256Rsa(publicKeyPem: string, message: string, signatureBase64: string): Promise<boolean> {
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = base64ToBytes(signatureBase64);
  } catch {
    return false;
  }
  return crypto.subtle.verify(ALGORITHM, await importPublicKey(publicKeyPem), signature, new TextEncoder().encode(message));
}
