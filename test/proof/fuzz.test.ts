/**
 * Every JSON POST/PATCH/PUT route of the OpenAPI document, fuzzed with fast-check: random and malformed
 * bodies, wrong types, extreme numbers, unicode, 100k-character strings, deep nesting, arrays where
 * objects belong, broken JSON and the wrong content type. For each, as a guest, as the platform admin
 * and as an owner of the resource in the path: never a 5xx, every 4xx a problem+json document, and a
 * rejected request leaves orders, lines, shipments, payments, refunds, stock, participants, settlements
 * and the audit log exactly as they were.
 *
 * Routes are discovered from /openapi.json at run time, so a route merged later is fuzzed without
 * editing this file; its ids come from the seeded data when the path names a known collection.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bodyFor, describeBody, guardedState, jsonOperations, malformedJsonTexts, responseProblems, type JsonOperation } from '../helpers/fuzz';
import { prepareFuzzFixture, type FuzzFixture } from '../helpers/fuzz-fixture';
import { call } from '../helpers/http';

/** Runs per route and identity: enough to find what a route mishandles, bounded so the file stays under a minute. */
const RUNS = { guest: 8, admin: 25, owner: 25 } as const;
/** Fixed so a failure reproduces; change it locally to explore further. */
const SEED = 20_260_101;

type Identity = keyof typeof RUNS;

let fx: FuzzFixture;
let operations: JsonOperation[];
beforeAll(async () => {
  fx = await prepareFuzzFixture();
  operations = jsonOperations(fx.doc);
}, 120_000);

/** Statuses seen per operation, to show the bodies get past validation to the rules behind it. */
const statuses: Record<string, Record<number, number>> = {};

/** Sends one body and checks the response and, for a refusal, that nothing guarded changed. */
async function probe(operation: JsonOperation, path: string, token: string | undefined, body: string, options: { contentType?: string; mustRefuse?: boolean } = {}): Promise<void> {
  const contentType = options.contentType ?? 'application/json';
  const before = await guardedState();
  const res = await call(path, { method: operation.method, token, body, headers: { 'content-type': contentType } });
  const status = res.status;
  const key = `${operation.method} ${operation.path}`;
  (statuses[key] ??= {})[status] = (statuses[key]![status] ?? 0) + 1;
  const problems = await responseProblems(res);
  if (options.mustRefuse && (status < 400 || status >= 500)) problems.push(`accepted with ${status}`);
  if (status >= 400) {
    const after = await guardedState();
    if (after !== before) problems.push(`a refused request (${status}) changed the database:\n${before}\n→\n${after}`);
  }
  if (problems.length) throw new Error(`${operation.method} ${path} with ${describeBody(body)}:\n${problems.join('\n')}`);
}

describe('fuzzing every JSON route of the OpenAPI document', () => {
  it('Should find the JSON routes of every domain', () => {
    // A floor, not a list: domains merged later only add to it.
    expect(operations.length).toBeGreaterThanOrEqual(19);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['POST /api/v1/orders', 'PATCH /api/v1/products/{id}', 'POST /api/v1/admin/settlements']));
  });

  it('Should never answer a generated body with a 5xx, always with problem+json when refusing, and change nothing when refusing', { timeout: 300_000 }, async () => {
    for (const operation of operations) {
      const path = await fx.concretePath(operation.path);
      const owner = fx.ownerToken(operation.path);
      const identities: Array<[Identity, string | undefined]> = [['guest', undefined], ['admin', fx.adminToken], ...(owner ? [['owner', owner] as [Identity, string]] : [])];
      const body = bodyFor(operation.schema, fx.doc, fx.idPool);
      for (const [identity, token] of identities) {
        await fc.assert(
          fc.asyncProperty(body, async (value) => probe(operation, path, token, JSON.stringify(value) ?? 'null')),
          { numRuns: RUNS[identity], seed: SEED, endOnFailure: true },
        );
      }
    }
    // Bodies that all die in validation would prove little: most routes must also see answers from their rules.
    const reachedRules = Object.values(statuses).filter((seen) => Object.keys(seen).some((status) => !['400', '401'].includes(status)));
    expect(reachedRules.length, JSON.stringify(statuses)).toBeGreaterThanOrEqual(Math.ceil(operations.length * 0.7));
  });

  it('Should refuse text that is not JSON, or JSON no parser agrees on, with a 4xx problem', { timeout: 120_000 }, async () => {
    for (const operation of operations) {
      const path = await fx.concretePath(operation.path);
      const token = fx.ownerToken(operation.path) ?? fx.adminToken;
      for (const text of malformedJsonTexts) await probe(operation, path, token, text, { mustRefuse: true });
    }
  });

  it('Should refuse a JSON route called with another content type, with a 4xx problem', { timeout: 120_000 }, async () => {
    for (const operation of operations) {
      const path = await fx.concretePath(operation.path);
      const token = fx.ownerToken(operation.path) ?? fx.adminToken;
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '']) {
        await probe(operation, path, token, contentType.startsWith('application/x-www') ? 'a=1&b=2' : '{"a":1}', { contentType, mustRefuse: true });
      }
    }
  });
});
