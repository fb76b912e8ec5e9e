/**
 * Control characters and redirect tricks, fuzzed. Every JSON route of the OpenAPI document gets plausible
 * bodies with a control character planted inside one of their strings: never a 5xx, nothing guarded
 * changes on a refusal, and afterwards no text column people read (names, titles, labels, addresses,
 * contacts, notes) holds a control character — a multi-line column may hold a newline only. Then every
 * `next=` trick, raw or wrapped in random paths, keeps sign-in and sign-up on our own origin.
 */
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_CHARACTERS, REDIRECT_TRICKS, describeBody, guardedState, insideStringLeaf, jsonOperations, plausibleBody, responseProblems, type JsonOperation } from '../helpers/fuzz';
import { prepareFuzzFixture, type FuzzFixture } from '../helpers/fuzz-fixture';
import { getPage, postForm, sessionCookie } from '../helpers/accounts';
import { BASE, call, freshIp } from '../helpers/http';

const SEED = 20_261_204;
const RUNS_PER_ROUTE = 12;

let fx: FuzzFixture;
let operations: JsonOperation[];
beforeAll(async () => {
  fx = await prepareFuzzFixture();
  operations = jsonOperations(fx.doc);
}, 120_000);

/** Columns of text people type, by table; `multiline` columns may keep a newline. */
const TEXT_COLUMNS: Record<string, { single: string[]; multiline?: string[] }> = {
  organization: { single: ['name', 'name_en', 'invoice_title', 'pickup_address', 'certification_no'], multiline: ['story_zh', 'story_en'] },
  delivery_locations: { single: ['label', 'recipient', 'street', 'receiving_hours'] },
  products: { single: ['name_zh', 'name_en', 'unit_zh', 'unit_en', 'spec_zh', 'spec_en', 'storage_zh', 'storage_en'], multiline: ['description_zh', 'description_en'] },
  group_buys: { single: ['title'], multiline: ['description'] },
  group_buy_participants: { single: ['name'] },
  districts: { single: ['name_zh', 'name_en'], multiline: ['pairing_note_zh', 'pairing_note_en'] },
};
// SQLite has no regex: look for each forbidden character with instr().
const FORBIDDEN_SINGLE = [...Array.from({ length: 32 }, (_, i) => i), 0x7f, 0x85, 0x9b, 0x2028];
const FORBIDDEN_MULTI = FORBIDDEN_SINGLE.filter((code) => code !== 10);

async function storedControlCharacters(): Promise<string[]> {
  const found: string[] = [];
  for (const [table, { single, multiline = [] }] of Object.entries(TEXT_COLUMNS)) {
    const columns = await env.DB.prepare(`SELECT name FROM pragma_table_info('${table}')`).all<{ name: string }>();
    const present = new Set(columns.results.map((c) => c.name));
    for (const [list, forbidden] of [[single, FORBIDDEN_SINGLE], [multiline, FORBIDDEN_MULTI]] as const) {
      for (const column of list.filter((c) => present.has(c))) {
        const test = forbidden.map((code) => `instr(${column}, char(${code})) > 0`).join(' OR ');
        const rows = await env.DB.prepare(`SELECT id, ${column} AS v FROM ${table} WHERE ${test} LIMIT 3`).all<{ id: string; v: string }>();
        for (const row of rows.results) found.push(`${table}.${column} of ${row.id}: ${JSON.stringify(row.v)}`);
      }
    }
  }
  return found;
}

describe('fuzzing every JSON route with control characters', () => {
  it('Should start from a database without control characters in its text', async () => {
    expect(await storedControlCharacters()).toEqual([]);
  });

  it('Should never answer a 5xx, change nothing on refusal, and store no control character', { timeout: 300_000 }, async () => {
    for (const operation of operations) {
      const path = await fx.concretePath(operation.path);
      const token = fx.ownerToken(operation.path) ?? fx.adminToken;
      const planted = fc.tuple(plausibleBody(operation.schema, fx.doc, fx.idPool), fc.nat(), fc.constantFrom(...CONTROL_CHARACTERS)).map(([body, index, control]) => insideStringLeaf(body, index, control));
      await fc.assert(
        fc.asyncProperty(planted, async (value) => {
          const body = JSON.stringify(value) ?? 'null';
          const before = await guardedState();
          const res = await call(path, { method: operation.method, token, body, headers: { 'content-type': 'application/json' } });
          const problems = await responseProblems(res);
          if (res.status >= 400 && (await guardedState()) !== before) problems.push(`a refused request (${res.status}) changed the database`);
          if (problems.length) throw new Error(`${operation.method} ${path} with ${describeBody(body)}:\n${problems.join('\n')}`);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED, endOnFailure: true },
      );
    }
    expect(await storedControlCharacters()).toEqual([]);
  });
});

describe('fuzzing next= with redirect tricks', () => {
  const tricks = fc.oneof(
    fc.constantFrom(...REDIRECT_TRICKS),
    fc.tuple(fc.constantFrom(...REDIRECT_TRICKS), fc.constantFrom('/orders', '/account', '/g/abc', '')).map(([trick, prefix]) => `${prefix}${trick}`),
    fc.tuple(fc.constantFrom(...CONTROL_CHARACTERS, '\\', '/', '%09', '%0a', '%5c', '%2f'), fc.string({ maxLength: 12 })).map(([c, rest]) => `/${c}${rest}`),
  );

  function sameOrigin(location: string | null): boolean {
    if (!location || /[\u0000-\u001f\u007f-\u009f\\]/.test(location)) return false;
    return location.startsWith('/') && !location.startsWith('//') && new URL(location, BASE).origin === BASE;
  }

  it('Should keep a signed-in visitor of /sign-in and /sign-up on our own origin', { timeout: 120_000 }, async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    await fc.assert(
      fc.asyncProperty(tricks, fc.constantFrom('/sign-in', '/sign-up'), async (next, page) => {
        const res = await getPage(`${page}?next=${encodeURIComponent(next)}`, cookie);
        expect(res.status, next).toBe(303);
        expect(sameOrigin(res.headers.get('location')), `${next} → ${res.headers.get('location')}`).toBe(true);
      }),
      { numRuns: 120, seed: SEED },
    );
  });

  it('Should keep a form sign-in on our own origin', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(tricks, async (next) => {
        const res = await postForm('/sign-in', { email: 'buyer@shanhai.local', password: 'shanhai-demo-2026', next }, { headers: { 'cf-connecting-ip': freshIp() } });
        expect(res.status, next).toBe(303);
        expect(sameOrigin(res.headers.get('location')), `${next} → ${res.headers.get('location')}`).toBe(true);
      }),
      { numRuns: 40, seed: SEED },
    );
  });
});
