import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';

/**
 * Public reads (catalog, counties, districts, cooperatives, impact; API and pages) answered from the
 * Workers Cache API, keyed by URL + locale + the data versions the database bumps inside every write's own
 * batch (triggers: `catalog_state` in migrations 0009–0010, `impact_state` in 0004). A write never leaves a stale
 * entry reachable: the key moves with the version, so old entries are simply never asked for again and
 * expire.
 *
 * Where the version comes from on a read, cheapest first:
 * 1. this isolate's memory, for VERSION_MEMO_MS (a write through this isolate replaces it at once);
 * 2. one Cache API entry holding both versions, replaced by every write request after its batch
 *    (`publishDataVersions`) and by the cron jobs;
 * 3. D1, in the request's own session, before the page is rendered from that same session, so an entry is
 *    never filed under a version newer than its data.
 * Honest limits: another isolate may answer from the previous version for up to VERSION_MEMO_MS after a
 * write, another data centre (its own Cache API) for up to VERSION_ENTRY_TTL_S.
 *
 * Requests that could be personalised (a session, a bearer token, a cart: cart count, signed-in header,
 * negotiated prices) bypass the cache entirely, both ways: they never read a shared entry and never write one.
 *
 * @example
 * app.use('/api/v1/products', publicCache({ personalised }));
 */

export type DataVersions = { catalog: number; impact: number };

/** How long an isolate trusts the versions it last saw without asking the Cache API. */
export const VERSION_MEMO_MS = 500;
/** Lifetime of the shared versions entry written by writers; bounds staleness in another data centre. */
const VERSION_ENTRY_TTL_S = 5;
/** A reader that had to ask D1 may race a concurrent write; its entry lives shorter. */
const VERSION_ENTRY_READER_TTL_S = 1;
/** Lifetime of a page entry: versions move the key, this only bounds storage. */
const ENTRY_TTL_S = 60 * 60;
const PREFIX = '/_public-cache/';
/** What a shared entry must never carry: they belong to the request that rendered it. */
const PRIVATE_HEADERS = ['set-cookie', 'x-d1-bookmark', 'x-d1-queries'];

const VERSIONS_SQL = 'SELECT (SELECT version FROM catalog_state WHERE id = 1) AS catalog, (SELECT version FROM impact_state WHERE id = 1) AS impact';

let memo: { versions: DataVersions; until: number } | null = null;

type Client = Pick<D1Database, 'prepare'> | Pick<D1DatabaseSession, 'prepare'>;

async function readVersionsFromD1(d1: Client): Promise<DataVersions> {
  const row = await d1.prepare(VERSIONS_SQL).first<DataVersions>();
  return { catalog: row?.catalog ?? 0, impact: row?.impact ?? 0 };
}

/** The versions entry lives under the public origin, whichever host a request (or the cron) came through. */
export const appOrigin = (appUrl: string) => new URL(appUrl).origin;

const versionsKey = (origin: string) => `${origin}${PREFIX}versions`;

function remember(versions: DataVersions): void {
  memo = { versions, until: Date.now() + VERSION_MEMO_MS };
}

async function storeVersions(origin: string, versions: DataVersions, ttlSeconds: number): Promise<void> {
  // Until the shared entry holds them, this isolate must not read the older entry back over its memory.
  memo = { versions, until: Number.POSITIVE_INFINITY };
  await caches.default.put(
    versionsKey(origin),
    new Response(JSON.stringify(versions), { headers: { 'content-type': 'application/json', 'cache-control': `max-age=${ttlSeconds}` } }),
  );
  if (memo.versions === versions) remember(versions);
}

/** The current versions for a read: memory, then the shared entry, then D1 (see the module comment). */
export async function currentDataVersions(origin: string, d1: Client): Promise<DataVersions> {
  if (memo && memo.until > Date.now()) return memo.versions;
  const shared = await caches.default.match(versionsKey(origin));
  if (shared) {
    const versions = (await shared.json()) as DataVersions;
    remember(versions);
    return versions;
  }
  const versions = await readVersionsFromD1(d1);
  await storeVersions(origin, versions, VERSION_ENTRY_READER_TTL_S);
  return versions;
}

/** What a request's own batches told it about the data versions (see withVersionsProbe). */
export type VersionsProbe = { versions: DataVersions | null };

const READ_ONLY_SQL = /^\s*(select|with)\b/i;

/**
 * Wraps the request's D1 session so every batch also reads the versions its writes left, as its last
 * statement: the same round trip, inside the batch's transaction, so exactly what a separate read from the
 * primary would see. A write prepared after that batch (outside any batch) forgets them again, and
 * `publishAfterWrites` then asks D1 as before.
 */
export function withVersionsProbe<T extends D1Database | D1DatabaseSession>(d1: T, probe: VersionsProbe): T {
  return new Proxy(d1, {
    get(target, prop, receiver) {
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch([...statements, target.prepare(VERSIONS_SQL)]);
          const row = results.pop()?.results?.[0] as Partial<DataVersions> | undefined;
          probe.versions = { catalog: row?.catalog ?? 0, impact: row?.impact ?? 0 };
          return results;
        };
      }
      if (prop === 'prepare') {
        return (query: string) => {
          if (!READ_ONLY_SQL.test(query)) probe.versions = null;
          return target.prepare(query);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * After a write: takes the versions its batch left (from the probe, else read from the primary) and shares
 * them, before the response goes out, so the writer's next read, and everyone else's here, already uses the
 * new key.
 */
export async function publishDataVersions(origin: string, d1: Client, waitUntil?: (promise: Promise<unknown>) => void, known?: DataVersions | null): Promise<void> {
  const versions = known ?? (await readVersionsFromD1(d1));
  if (memo && memo.versions.catalog === versions.catalog && memo.versions.impact === versions.impact && memo.until > Date.now()) return;
  // This isolate's memory changes at once (inside storeVersions, before its first await); the shared entry,
  // for other isolates that trust their memory for VERSION_MEMO_MS anyway, may land after the response.
  const stored = storeVersions(origin, versions, VERSION_ENTRY_TTL_S);
  if (waitUntil) waitUntil(stored);
  else await stored;
}

/** Same versions, locale and Accept: same bytes for this URL. */
function etagOf(versions: DataVersions, locale: string, accept: string): string {
  // FNV-1a of the Accept header: only tells variants of one URL apart, needs no crypto.
  let hash = 0x811c9dc5;
  for (let i = 0; i < accept.length; i += 1) hash = Math.imul(hash ^ accept.charCodeAt(i), 0x01000193);
  return `"${versions.catalog.toString(36)}.${versions.impact.toString(36)}.${locale}.${(hash >>> 0).toString(36)}"`;
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Browsers and shared caches must revalidate every time (a write can come any second); the ETag makes that cheap. */
const PUBLIC_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

export type PublicCacheOptions = {
  /** True when the answer could depend on who asks (session, bearer token, cart...): the cache is bypassed. */
  personalised: (c: Context<AppEnv>) => boolean;
};

/** Whether this request may share an entry with every other anonymous reader. */
function cacheable(c: Context<AppEnv>, options: PublicCacheOptions): boolean {
  return c.req.method === 'GET' && !options.personalised(c);
}

/** Every write request, after its handler: share the versions its batch left (see publishDataVersions). */
export const publishAfterWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS' || c.res.status >= 400) return;
  await publishDataVersions(appOrigin(c.env.APP_URL), c.var.db.$client, (promise) => c.executionCtx.waitUntil(promise), c.var.versionsProbe?.versions);
};

export function publicCache(options: PublicCacheOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!cacheable(c, options)) {
      await next();
      if (c.res.status === 200 && !c.res.headers.has('cache-control')) c.header('cache-control', 'private, no-cache');
      return;
    }
    const url = new URL(c.req.url);
    const locale = c.var.locale;
    const versions = await currentDataVersions(appOrigin(c.env.APP_URL), c.var.db.$client);
    const accept = c.req.header('accept') ?? '';
    const etag = etagOf(versions, locale, accept);
    const shared = { etag, 'cache-control': PUBLIC_CACHE_CONTROL, vary: 'Accept, Cookie, Authorization' };
    if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, shared);

    // Some reads negotiate the format (the impact report answers CSV to Accept: text/csv).
    const key = `${url.origin}${PREFIX}${versions.catalog}.${versions.impact}/${locale}/${encodeURIComponent(accept)}${url.pathname}${url.search}`;
    const hit = await caches.default.match(key);
    if (hit) {
      const res = new Response(hit.body, hit);
      res.headers.set('cache-control', PUBLIC_CACHE_CONTROL);
      res.headers.set('x-cache', 'hit');
      c.res = res;
      return;
    }
    await next();
    if (c.res.status !== 200) return;
    for (const [name, value] of Object.entries(shared)) c.header(name, value);
    const entry = new Response(c.res.clone().body, c.res);
    for (const name of PRIVATE_HEADERS) entry.headers.delete(name);
    entry.headers.set('cache-control', `public, max-age=${ENTRY_TTL_S}`);
    await caches.default.put(key, entry);
    c.header('x-cache', 'miss');
  };
}
