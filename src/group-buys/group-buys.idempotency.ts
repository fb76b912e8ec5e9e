import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { idempotencyKeys } from '../db/schema';
import { AppError } from '../lib/errors';
import { sha256Hex } from '../lib/ids';

/**
 * `Idempotency-Key` for joining a group buy. The record is inserted in the join batch itself, so two
 * concurrent requests with one key cannot both join: the second batch fails on the primary key and
 * answers with the first one's participant. The same key with a different body is a client bug (422).
 */
export type IdempotencyClaim = { scope: string; key: string; requestHash: string };

export async function idempotencyClaim(scope: string, key: string | undefined, body: unknown): Promise<IdempotencyClaim | undefined> {
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > 255) {
    throw new AppError('validation_failed', 'Invalid header.idempotency-key', {
      errors: [{ path: 'header.idempotency-key', message: 'Between 1 and 255 characters' }],
    });
  }
  return { scope, key, requestHash: await sha256Hex(JSON.stringify(body)) };
}

/** The resource an earlier request with this key created, or null when the key is new. */
export async function previousResource(db: Db, claim: IdempotencyClaim): Promise<string | null> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)))
    .limit(1);
  if (!row) return null;
  if (row.requestHash !== claim.requestHash) {
    throw new AppError('idempotency_mismatch', 'This Idempotency-Key was already used with a different request');
  }
  return row.resourceId;
}

export function idempotencyRecord(db: Db, claim: IdempotencyClaim, resourceId: string, body: unknown, now: number) {
  return db.insert(idempotencyKeys).values({
    scope: claim.scope,
    key: claim.key,
    requestHash: claim.requestHash,
    resourceId,
    responseStatus: 201,
    responseBody: JSON.stringify(body),
    createdAt: now,
  });
}

export function forgetIdempotencyRecord(db: Db, claim: IdempotencyClaim) {
  return db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)));
}
