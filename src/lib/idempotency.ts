import { and, eq } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Statement } from '../db/batch';
import type { Db } from '../db/client';
import { idempotencyKeys } from '../db/schema';
import type { Actor } from '../env';
import { AppError } from './errors';
import { sha256Hex } from './ids';

/**
 * `Idempotency-Key` for money-bearing POSTs (orders, bulk orders, refunds, group-buy joins): the same
 * key with the same body returns the same result and creates nothing twice; the same key with a
 * different body is a 422. Records are scoped per operation and per signed-in user; guests share one
 * scope per operation, so a guest's key must be unguessable (a UUID), as Stripe asks of its own keys.
 *
 * The record is written as the FIRST statement of the use case's batch, so a concurrent duplicate
 * fails on the primary key before anything else and `idempotent` replays the winner.
 */

export const idempotencyKeySchema = z
  .string()
  .min(8)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces, e.g. a UUID')
  .optional()
  .openapi({
    param: { name: 'idempotency-key', in: 'header' },
    description: 'A unique key (e.g. a UUID) per intended operation; retries with the same key and body return the same result.',
    example: '2f1c7e1a-8d2b-4a4e-9d55-1b9d3c0c8e11',
  });

export type IdempotencyClaim = { scope: string; key: string; requestHash: string };
export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect;
/** What the use case stores the first time: the resource it made and the answer a replay starts from. */
export type IdempotentResult = { resourceId: string; status: number; body: unknown; at: number };

export function idempotencyScope(operation: string, actor: Actor | null): string {
  return actor ? `${operation}:user:${actor.userId}` : `${operation}:guest`;
}

/** JSON with object keys sorted, so the fingerprint does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestFingerprint(request: unknown): Promise<string> {
  return sha256Hex(canonicalJson(request));
}

/** The claim a request makes with its key, or undefined without a key (the operation is then not idempotent). */
export async function claimIdempotency(operation: string, actor: Actor | null, key: string | undefined, request: unknown): Promise<IdempotencyClaim | undefined> {
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > 255) {
    throw new AppError('validation_failed', 'Invalid header.idempotency-key', {
      errors: [{ path: 'header.idempotency-key', message: 'Between 1 and 255 characters' }],
    });
  }
  return { scope: idempotencyScope(operation, actor), key, requestHash: await requestFingerprint(request) };
}

/** The record an earlier request with this key left, or undefined; a 422 when that request had another body. */
export async function findIdempotencyRecord(db: Db, claim: IdempotencyClaim): Promise<IdempotencyRecord | undefined> {
  const record = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)))
    .get();
  if (record && record.requestHash !== claim.requestHash) {
    throw new AppError('idempotency_mismatch', 'This Idempotency-Key was already used with a different request body; use a new key for a new request', {
      errors: [{ path: 'header.idempotency-key', message: 'Already used with a different request' }],
    });
  }
  return record;
}

function recordStatement(db: Db, claim: IdempotencyClaim, result: IdempotentResult): Statement {
  return db.insert(idempotencyKeys).values({
    scope: claim.scope,
    key: claim.key,
    requestHash: claim.requestHash,
    resourceId: result.resourceId,
    responseStatus: result.status,
    responseBody: JSON.stringify(result.body),
    createdAt: result.at,
  });
}

/** Replaces the stored answer (e.g. once a Checkout URL exists), so a replay needs no second provider call. */
export function updateIdempotencyResponse(db: Db, claim: IdempotencyClaim, body: unknown) {
  return db
    .update(idempotencyKeys)
    .set({ responseBody: JSON.stringify(body) })
    .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)));
}

/** Frees the key again, in the batch that undoes what the first attempt made. */
export function forgetIdempotencyRecord(db: Db, claim: IdempotencyClaim): Statement {
  return db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)));
}

export function isIdempotencyConflict(error: unknown): boolean {
  const text = String((error as { message?: string })?.message ?? error) + String((error as { cause?: unknown })?.cause ?? '');
  return /UNIQUE constraint failed: idempotency_keys\./.test(text);
}

/** What `idempotent` wraps: how to run the use case the first time and how to answer a replay. */
export type IdempotentUseCase<T> = {
  /** Runs the use case; `record(result)` gives the statements to put FIRST in its batch (none without a key). */
  run: (record: (result: IdempotentResult) => Statement[]) => Promise<T>;
  /** The answer to a repeated request, rebuilt from the stored record. */
  replay: (record: IdempotencyRecord) => Promise<T>;
};

/**
 * Runs a use case at most once per Idempotency-Key: a known key replays (or is a 422 with another body);
 * a new key runs the use case, whose batch stores the record; a twin that lost the race on the record's
 * primary key replays the winner. Errors must reach here unchanged when `isIdempotencyConflict`.
 */
export async function idempotent<T>(db: Db, claim: IdempotencyClaim | undefined, useCase: IdempotentUseCase<T>): Promise<T> {
  if (!claim) return useCase.run(() => []);
  const earlier = await findIdempotencyRecord(db, claim);
  if (earlier) return useCase.replay(earlier);
  try {
    return await useCase.run((result) => [recordStatement(db, claim, result)]);
  } catch (error) {
    if (!isIdempotencyConflict(error)) throw error;
    const winner = await findIdempotencyRecord(db, claim);
    if (!winner) throw error;
    return useCase.replay(winner);
  }
}
