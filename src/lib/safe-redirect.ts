/**
 * Where to send someone after sign-in (`next=`) or a form (`redirectTo`): only a path on our own origin.
 *
 * Browsers are lenient with Location: they drop tabs and newlines (`/\t/evil.example` becomes
 * `//evil.example`), read `\` as `/` and follow scheme-relative `//host`. So the value is refused — not
 * repaired — when it holds any control character, a backslash, or does not resolve to a path on a
 * placeholder origin; what is kept is the normalised path, query and fragment that URL parsing produced
 * (dot segments resolved, unsafe characters percent-encoded), so the header can always be set.
 *
 * @example safeRedirectPath('/orders?page=2') // '/orders?page=2'
 * @example safeRedirectPath('/\t/evil.example') // '/account'
 */
const PLACEHOLDER_ORIGIN = 'https://same-origin.invalid';
// C0 controls, DEL and C1 controls; also the Unicode line and paragraph separators.
const CONTROL_OR_BACKSLASH = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/;
const MAX_REDIRECT_LENGTH = 2048;

export function safeRedirectPath(value: unknown, fallback = '/account'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_REDIRECT_LENGTH) return fallback;
  if (!value.startsWith('/') || value.startsWith('//')) return fallback;
  if (CONTROL_OR_BACKSLASH.test(value)) return fallback;
  // Percent-encoded tricks (`/%2F%2Fevil`, `/%5Cevil`, `/%09/evil`) are harmless in a Location header,
  // but a decoded copy must not smuggle a separator either: refuse rather than guess who decodes it later.
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return fallback;
  }
  if (decoded.startsWith('//') || CONTROL_OR_BACKSLASH.test(decoded)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? fallback : path;
}
