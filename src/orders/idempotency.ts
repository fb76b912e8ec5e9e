import { and, eq } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { idempotencyKeys } from '../db/schema';
import type { Actor } from '../env';
import { AppError } from '../lib/errors';
import { sha256Hex } from '../lib/ids';

/**
 * `Idempotency-Key` for money-bearing POSTs: the same key with the same body returns the same
 * result and creates nothing twice; the same key with a different body is a 422. Records are scoped
 * per operation and per signed-in user; guests share one scope per operation, so a guest's key must
 * be unguessable (a UUID), as Stripe asks of its own keys. The record is written in the same batch as
 * the resource, so a concurrent duplicate loses on the primary key and replays the winner.
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

export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect;

export function findIdempotencyRecord(db: Db, scope: string, key: string): Promise<IdempotencyRecord | undefined> {
  return db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
    .get();
}

/** The stored record, or a 422 when the key was used for a different request. */
export function assertSameRequest(record: IdempotencyRecord, requestHash: string): IdempotencyRecord {
  if (record.requestHash !== requestHash) {
    throw new AppError('idempotency_mismatch', 'This Idempotency-Key was already used with a different request body; use a new key for a new request', {
      errors: [{ path: 'header.idempotency-key', message: 'Already used with a different request' }],
    });
  }
  return record;
}

export function recordIdempotencyStatement(
  db: Db,
  record: { scope: string; key: string; requestHash: string; resourceId: string; status: number; body: unknown; at: number },
) {
  return db.insert(idempotencyKeys).values({
    scope: record.scope,
    key: record.key,
    requestHash: record.requestHash,
    resourceId: record.resourceId,
    responseStatus: record.status,
    responseBody: JSON.stringify(record.body),
    createdAt: record.at,
  });
}

export function updateIdempotencyResponse(db: Db, scope: string, key: string, body: unknown) {
  return db
    .update(idempotencyKeys)
    .set({ responseBody: JSON.stringify(body) })
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
}

export function isIdempotencyConflict(error: unknown): boolean {
  const text = String((error as { message?: string })?.message ?? error) + String((error as { cause?: unknown })?.cause ?? '');
  return /UNIQUE constraint failed: idempotency_keys\./.test(text);
}
