/**
 * Which browser origins may post to us with a cookie — the CSRF check and Better Auth ask the same question.
 *
 * - our own: the request's own origin and the configured `APP_URL`;
 * - integrators: `TRUSTED_ORIGINS`, a comma-separated list of origins (`https://ops.example.cn,https://…`);
 * - in development (APP_URL on a loopback host): any loopback origin on any port, so `wrangler dev --port 8819`
 *   or a front end on :5173 works without editing APP_URL. A production APP_URL never enables this.
 *
 * @example isTrustedOrigin('http://127.0.0.1:8819', { APP_URL: 'http://localhost:8787' }, 'http://localhost:8787/x') // true
 */
export type OriginConfig = { APP_URL: string; TRUSTED_ORIGINS?: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

export function isLoopbackOrigin(origin: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/** True when APP_URL names a loopback host: local development and tests. */
export function isDevelopment(config: OriginConfig): boolean {
  return isLoopbackOrigin(config.APP_URL);
}

/** The configured origins: APP_URL's and TRUSTED_ORIGINS' (malformed entries are ignored). */
export function configuredOrigins(config: OriginConfig): string[] {
  const listed = (config.TRUSTED_ORIGINS ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  return [...new Set([config.APP_URL, ...listed].map(originOf).filter((origin): origin is string => origin !== null))];
}

export function isTrustedOrigin(origin: string | undefined | null, config: OriginConfig, requestUrl?: string): boolean {
  if (!origin) return false;
  const normalised = originOf(origin);
  if (!normalised || normalised !== origin.replace(/\/$/, '')) return false;
  if (requestUrl && normalised === new URL(requestUrl).origin) return true;
  if (configuredOrigins(config).includes(normalised)) return true;
  return isDevelopment(config) && isLoopbackOrigin(normalised);
}
