import { env } from 'cloudflare:workers';
import fc from 'fast-check';

/**
 * Property-based fuzzing driven by the OpenAPI document: every operation with a JSON request body is
 * found at test time, so routes merged later are covered without touching the fuzz test. Bodies are
 * built from the operation's own schema (mostly plausible values, so validation is passed and the
 * service's rules are reached) with hostile values mixed in at every level, plus bodies of the wrong
 * shape altogether.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  example?: unknown;
};

export type Parameter = { in: 'path' | 'query' | 'header' | 'cookie'; name: string; schema?: JsonSchema };
type Operation = { requestBody?: { content?: Record<string, { schema?: JsonSchema }> }; parameters?: Parameter[] };
export type OpenApiDoc = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

export type JsonOperation = { method: 'POST' | 'PATCH' | 'PUT'; path: string; schema: JsonSchema };

/** Every POST/PATCH/PUT operation of the document that takes a JSON body. */
export function jsonOperations(doc: OpenApiDoc): JsonOperation[] {
  const found: JsonOperation[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const upper = method.toUpperCase();
      if (upper !== 'POST' && upper !== 'PATCH' && upper !== 'PUT') continue;
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      if (schema) found.push({ method: upper, path, schema });
    }
  }
  return found;
}

export type AnyOperation = { method: string; path: string; parameters: Parameter[]; bodyTypes: Record<string, JsonSchema | undefined> };

/** Every operation of the document with its parameters (path, query, header) and request body types. */
export function allOperations(doc: OpenApiDoc): AnyOperation[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      bodyTypes: Object.fromEntries(Object.entries(operation.requestBody?.content ?? {}).map(([type, media]) => [type, media.schema])),
    })),
  );
}

const LONG_TEXT = 'é'.repeat(50_000) + 'x'.repeat(50_000);
const DEEP_ARRAY_TEXT = '['.repeat(2_000) + ']'.repeat(2_000);
const DEEP_OBJECT_TEXT = '{"a":'.repeat(2_000) + '1' + '}'.repeat(2_000);

/** Values that break careless code: extremes, wrong types, control characters, bidi text, huge strings. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    1e308,
    -1e308,
    -1,
    0,
    -0,
    0.5,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    2 ** 31,
    Number.MIN_VALUE,
    'NaN',
    'Infinity',
    '-1',
    '1e308',
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    'a\r\nb',
    'a\u0007b',
    'a\u009bb',
    '🍄🍵🐖',
    '‮مرحبا‬',
    '\u202Eevil',
    'ﷺ𝕏\uFEFF\u200B',
    "'; DROP TABLE orders; --",
    '%00',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    LONG_TEXT,
    null,
    true,
    false,
    [],
    {},
    [null],
    { __proto__: { admin: true } },
    JSON.parse('{"__proto__": {"isAdmin": true}}'),
    JSON.parse('{"constructor": {"prototype": {"isAdmin": true}}}'),
  ),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
  fc.anything({ maxDepth: 3 }),
);

function resolve(schema: JsonSchema, doc: OpenApiDoc): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 20; hops += 1) {
    const name = current.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) return {};
    current = target;
  }
  return current;
}

function plausibleString(schema: JsonSchema, name: string, ids: IdPool): fc.Arbitrary<string> {
  const generated = generatedString(schema, name, ids);
  // The schema's own example is a value the route accepts: offer it often, so the rules behind validation run.
  return typeof schema.example === 'string' ? fc.oneof(fc.constant(schema.example), generated) : generated;
}

function generatedString(schema: JsonSchema, name: string, ids: IdPool): fc.Arbitrary<string> {
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 10_000));
    } catch {
      // a pattern JavaScript cannot compile: fall through to plain strings
    }
  }
  // fast-check's emailAddress() explores RFC corners that every validator refuses: keep addresses ordinary.
  if (schema.format === 'email' || /email/i.test(name)) return fc.stringMatching(/^[a-z][a-z0-9]{0,9}@[a-z]{2,8}\.(com|cn|org)$/);
  if (/phone/i.test(name)) return fc.oneof(fc.stringMatching(/^1[3-9]\d{9}$/), fc.stringMatching(/^021-?\d{8}$/));
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true, min: new Date(2000, 0, 1), max: new Date(2100, 0, 1) }).map((d) => d.toISOString());
  if (schema.format === 'date') return fc.date({ noInvalidDate: true, min: new Date(2000, 0, 1), max: new Date(2100, 0, 1) }).map((d) => d.toISOString().slice(0, 10));
  const text = fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 60) });
  // A field naming an id is much more interesting with a real id in it: it reaches the rules behind the lookup.
  const known = /id$/i.test(name) ? idsFor(name, ids) : [];
  if (known.length > 0) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: text });
  return text;
}

function plausibleNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000);
  const lo = Math.max(Math.ceil(min), -(2 ** 31));
  const hi = Math.min(Math.floor(max), 2 ** 31 - 1);
  if (lo > hi) return fc.constant(lo);
  // Small values near the minimum are what real clients send (quantities, days); the whole range now and then.
  const small = fc.integer({ min: lo, max: Math.min(hi, Math.max(lo, 0) + 20) });
  const any = integer ? fc.integer({ min: lo, max: hi }) : fc.double({ min: lo, max: hi, noNaN: true });
  return fc.oneof({ weight: 3, arbitrary: small }, { weight: 1, arbitrary: any });
}

/** Ids of the seeded data, offered to fields whose name says which kind of id they hold. */
export type IdPool = Partial<Record<'product' | 'organization' | 'county' | 'district' | 'other', readonly string[]>>;

/**
 * Bodies for an operation whose request schema is `schema`: a third plausible (so validation passes and
 * the service's rules run), a half plausible with one node replaced by a hostile value or removed, the
 * rest of the wrong shape altogether.
 */
export function bodyFor(schema: JsonSchema, doc: OpenApiDoc, ids: IdPool): fc.Arbitrary<unknown> {
  const plausible = plausibleBody(schema, doc, ids);
  const mutated = fc.tuple(plausible, fc.nat(), fc.option(hostileValue, { nil: REMOVE, freq: 6 })).map(([value, pick, replacement]) => replaceNode(value, pick, replacement));
  return fc.oneof({ weight: 2, arbitrary: plausible }, { weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: wrongShapeBody });
}

/** A body of the right shape for `schema`, built from its types, enums, bounds, patterns, examples and real ids. */
export function plausibleBody(schema: JsonSchema, doc: OpenApiDoc, ids: IdPool): fc.Arbitrary<unknown> {
  return plausibleFor(schema, doc, ids, '', 0);
}

const REMOVE = Symbol('remove');

/** Replaces (or removes) the `pick`-th node of `value`, counting the root and every nested member. */
function replaceNode(value: unknown, pick: number, replacement: unknown): unknown {
  const nodes: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number } | null> = [null];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      nodes.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(key) : key });
      walk(child);
    }
  };
  const copy = structuredClone(value);
  walk(copy);
  const target = nodes[pick % nodes.length]!;
  if (target === null) return replacement === REMOVE ? undefined : replacement;
  if (replacement === REMOVE) {
    if (Array.isArray(target.parent)) target.parent.splice(target.key as number, 1);
    else delete target.parent[target.key as string];
  } else {
    (target.parent as Record<string | number, unknown>)[target.key] = replacement;
  }
  return copy;
}

function idsFor(name: string, ids: IdPool): readonly string[] {
  const lower = name.toLowerCase();
  for (const kind of ['product', 'organization', 'county', 'district'] as const) {
    if (lower.includes(kind) && ids[kind]?.length) return ids[kind]!;
  }
  return Object.values(ids).flat();
}

const MISSING = Symbol('missing');

function plausibleFor(raw: JsonSchema, doc: OpenApiDoc, ids: IdPool, name: string, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(raw, doc);
  if (depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => plausibleFor(s, doc, ids, name, depth + 1)));
  if (schema.allOf?.length) return plausibleFor(Object.assign({}, ...schema.allOf.map((s) => resolve(s, doc))), doc, ids, name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      // Required keys are always there (removing one is a mutation), optional ones half the time.
      const entries = properties.map(([key, s]) => {
        const member = plausibleFor(s, doc, ids, key, depth + 1);
        return (required.has(key) ? member : fc.option(member, { nil: MISSING, freq: 2 })).map((v) => [key, v] as const);
      });
      return fc.tuple(...entries).map((pairs) => {
        const value: Record<string, unknown> = {};
        for (const [key, v] of pairs) if (v !== MISSING) value[key] = v;
        return value;
      });
    }
    case 'array':
      return fc.array(schema.items ? plausibleFor(schema.items, doc, ids, name, depth + 1) : hostileValue, {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'string':
      return plausibleString(schema, name, ids);
    case 'integer':
      return plausibleNumber(schema, true);
    case 'number':
      return plausibleNumber(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

/** Whole bodies of the wrong shape: not an object at all, or JSON only in name. */
const wrongShapeBody: fc.Arbitrary<unknown> = fc.oneof(
  hostileValue,
  fc.array(fc.object({ maxDepth: 2 }), { minLength: 1, maxLength: 3 }),
  fc.object({ maxDepth: 3 }),
);

/** Control characters the text schema refuses (src/lib/text.ts); newline is allowed only in multi-line fields. */
export const CONTROL_CHARACTERS: readonly string[] = ['\u0000', '\u0007', '\t', '\r\n', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009b', '\u2028'];

/** `next=` tricks against lenient browsers (raw, before any percent-encoding of the query). */
export const REDIRECT_TRICKS: readonly string[] = [
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '//evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '/%2F/evil.example',
  '/%5Cevil.example',
  '/%09/evil.example',
  '/%0d%0aSet-Cookie:x=1',
  'https://evil.example',
  'HTTPS://evil.example',
  'javascript:alert(1)',
  '/\u0000/evil.example',
  '/\u2028/evil.example',
  '/.//evil.example',
  '/a/..//evil.example',
  ' //evil.example',
];

/** Puts `inserted` inside the `index`-th string leaf of a value (modulo their number): the middle, so trimming keeps it. */
export function insideStringLeaf(value: unknown, index: number, inserted: string): unknown {
  const leaves: Array<(v: string) => void> = [];
  const walk = (node: unknown, set: (v: unknown) => void) => {
    if (typeof node === 'string') leaves.push((v) => set(v));
    else if (Array.isArray(node)) node.forEach((child, i) => walk(child, (v) => (node[i] = v)));
    else if (node && typeof node === 'object') for (const key of Object.keys(node)) walk((node as Record<string, unknown>)[key], (v) => ((node as Record<string, unknown>)[key] = v));
  };
  const copy = structuredClone(value);
  let root = copy;
  walk(copy, (v) => (root = v));
  if (leaves.length === 0) return root;
  const target = leaves[index % leaves.length]!;
  const original = (() => {
    let found = '';
    let i = 0;
    const find = (node: unknown) => {
      if (typeof node === 'string') {
        if (i++ === index % leaves.length) found = node;
      } else if (Array.isArray(node)) node.forEach(find);
      else if (node && typeof node === 'object') Object.values(node).forEach(find);
    };
    find(root);
    return found;
  })();
  const middle = Math.max(1, Math.floor(original.length / 2));
  target(`${original.slice(0, middle) || 'x'}${inserted}${original.slice(middle) || 'y'}`);
  return root;
}

/** Base64url of any text: cursors are base64url JSON, so garbage that decodes is the interesting kind. */
const base64url = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Text for a path segment, query value or header: extremes, unicode, encodings, and cursors that decode. */
export const hostileParam: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1.5',
    '1e308',
    '-1e308',
    'NaN',
    'Infinity',
    '9007199254740993',
    '99999999999999999999999',
    'true',
    'null',
    '[]',
    '{}',
    '\u0000',
    '🍄',
    '‮evil',
    '%',
    '%00',
    '%ZZ',
    '..',
    '../admin',
    "' OR 1=1 --",
    'a'.repeat(5_000),
    '2026-02-30',
    '2026-13-01',
    '1970-01-01',
    '9999-12-31',
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.jsonValue({ maxDepth: 2 }).map((v) => base64url(JSON.stringify(v))),
  fc.record({ s: fc.constantFrom('price', '-price', 'newest', 'popular', 'x'), k: fc.jsonValue({ maxDepth: 1 }), id: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }).map((v) => base64url(JSON.stringify(v))),
);

/** Request texts sent as application/json that are not JSON, or JSON that parsers treat unusually. */
export const malformedJsonTexts: readonly string[] = [
  '',
  '{',
  '{"a":',
  '{"items": [}',
  "{'single': 'quotes'}",
  '{"a": 1,}',
  'undefined',
  'NaN',
  '\u0000',
  '{"quantity": 1e999}',
  '{"quantity": -1e999}',
  '{"n": 123456789012345678901234567890}',
  '{"a": 1, "a": {"b": 2}}',
  DEEP_ARRAY_TEXT,
  DEEP_OBJECT_TEXT,
  '"just a string"',
  '42',
  'null',
  'true',
  '[]',
];

/** The rows and stock that money and stock rules protect; a rejected request must leave them as they were. */
const GUARDED = [
  'SELECT count(*) FROM orders',
  'SELECT count(*) FROM order_lines',
  'SELECT count(*) FROM shipments',
  'SELECT count(*) FROM payments',
  'SELECT count(*) FROM refunds',
  'SELECT coalesce(sum(stock), 0) FROM products',
  'SELECT count(*) FROM group_buy_participants',
  'SELECT count(*) FROM settlements',
  'SELECT count(*) FROM audit_log',
];

export async function guardedState(): Promise<string> {
  const sql = `SELECT ${GUARDED.map((q, i) => `(${q}) AS g${i}`).join(', ')}`;
  const row = await env.DB.prepare(sql).first<Record<string, number>>();
  return GUARDED.map((q, i) => `${q.replace(/^SELECT /, '')} = ${row![`g${i}`]}`).join('\n');
}

/** The problems with a response, or an empty list: never a 5xx, and every 4xx a problem+json document. */
export async function responseProblems(res: Response): Promise<string[]> {
  const text = await res.text();
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}: ${text.slice(0, 300)}`);
  if (res.status >= 400 && res.status < 500) {
    const type = res.headers.get('content-type') ?? '';
    if (!type.startsWith('application/problem+json')) problems.push(`a ${res.status} with content type ${type || '(none)'}`);
    try {
      const body = JSON.parse(text) as { status?: unknown; title?: unknown; type?: unknown };
      if (body.status !== res.status) problems.push(`problem status ${String(body.status)} ≠ ${res.status}`);
      if (typeof body.title !== 'string' || !body.title) problems.push('problem without a title');
      if (typeof body.type !== 'string' || !body.type) problems.push('problem without a type');
    } catch {
      problems.push(`a ${res.status} whose body is not JSON: ${text.slice(0, 200)}`);
    }
  }
  return problems;
}

/** Shortens a body for a failure message (100k-character strings make unreadable reports). */
export function describeBody(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body) ?? String(body);
  return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text;
}
