/**
 * Every operation of the OpenAPI document (reads included), fuzzed through what is not a JSON body:
 * path parameters, query parameters and headers (cursors that decode to nonsense, extreme numbers,
 * impossible dates, unicode, 5,000-character ids), and the text bodies of the CSV and upload routes.
 * Never a 5xx, every 4xx a problem+json document, and nothing guarded changes on a refusal.
 */
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { allOperations, describeBody, guardedState, hostileParam, plausibleBody, responseProblems, type AnyOperation, type Parameter } from '../helpers/fuzz';
import { prepareFuzzFixture, type FuzzFixture } from '../helpers/fuzz-fixture';
import { call } from '../helpers/http';

const RUNS_PER_IDENTITY = 10;
const SEED = 20_260_102;

let fx: FuzzFixture;
beforeAll(async () => {
  fx = await prepareFuzzFixture();
}, 120_000);

/** A query or header value: the schema's own values half the time (so other parameters get looked at), else hostile. */
function valueFor(parameter: Parameter): fc.Arbitrary<string | undefined> {
  const own = parameter.schema?.enum?.length ? fc.constantFrom(...parameter.schema.enum.map(String)) : hostileParam;
  return fc.option(fc.oneof(own, hostileParam), { nil: undefined, freq: 3 });
}

type Drawn = { path: string; query: Record<string, string | undefined>; headers: Record<string, string | undefined>; body?: { type: string; text: string } };

/** What to send to `operation`: path ids real a third of the time, every query and header parameter maybe, a body of its type. */
function requestFor(operation: AnyOperation, realPath: string): fc.Arbitrary<Drawn> {
  const segments = operation.path.split('/');
  const realSegments = realPath.split('/');
  const path = fc.tuple(...segments.map((segment, i) => (/^\{\w+\}$/.test(segment) ? fc.oneof(fc.constant(realSegments[i]!), hostileParam.map(encodeSegment)) : fc.constant(segment)))).map((parts) => parts.join('/'));
  const named = (where: Parameter['in']) => fc.record(Object.fromEntries(operation.parameters.filter((p) => p.in === where).map((p) => [p.name, valueFor(p)])));
  const [type, schema] = Object.entries(operation.bodyTypes)[0] ?? [];
  const body: fc.Arbitrary<Drawn['body']> = !type
    ? fc.constant(undefined)
    : type === 'application/json' && schema
      ? plausibleBody(schema, fx.doc, fx.idPool).map((value) => ({ type, text: JSON.stringify(value) }))
      : fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), hostileParam, fc.constant('sku,quantity\n"unterminated,1\n\uFEFF,,,,\n' + 'x,'.repeat(2_000))).map((text) => ({ type, text }));
  return fc.record({ path, query: named('query'), headers: named('header'), body });
}

/** encodeURIComponent, with lone surrogates (which it refuses) replaced the way a browser would. */
function encodeSegment(text: string): string {
  return encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}

async function send(operation: AnyOperation, drawn: Drawn, token: string | undefined): Promise<void> {
  const query = new URLSearchParams(Object.entries(drawn.query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const url = `${drawn.path}${query ? `?${query}` : ''}`;
  const headers: Record<string, string> = Object.fromEntries(Object.entries(drawn.headers).filter((e): e is [string, string] => e[1] !== undefined && /^[\t\x20-\x7e]*$/.test(e[1])));
  if (drawn.body) headers['content-type'] = drawn.body.type;
  const before = await guardedState();
  const res = await call(url, { method: operation.method, token, headers, body: drawn.body?.text });
  const problems = await responseProblems(res);
  if (res.status >= 400) {
    const after = await guardedState();
    if (after !== before) problems.push(`a refused request (${res.status}) changed the database:\n${before}\n→\n${after}`);
  }
  if (problems.length) throw new Error(`${operation.method} ${describeBody(url)} headers ${describeBody(drawn.headers)} body ${describeBody(drawn.body?.text ?? '')}:\n${problems.join('\n')}`);
}

describe('fuzzing the parameters of every route of the OpenAPI document', () => {
  it('Should never answer hostile path, query or header values with a 5xx, and refuse with problem+json', { timeout: 300_000 }, async () => {
    for (const operation of allOperations(fx.doc)) {
      const realPath = await fx.concretePath(operation.path);
      const tokens = [fx.adminToken, fx.ownerToken(operation.path)].filter((t, i, all) => t && all.indexOf(t) === i);
      for (const token of tokens) {
        await fc.assert(fc.asyncProperty(requestFor(operation, realPath), (drawn) => send(operation, drawn, token)), { numRuns: RUNS_PER_IDENTITY, seed: SEED, endOnFailure: true });
      }
    }
  });
});
