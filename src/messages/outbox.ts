/**
 * The `notifications` table is the outbox. A row is written in the same D1 batch as the event that causes
 * it; right after the write the relay claims unsent rows (enqueued_at NULL → now, a conditional update, so
 * two relays never claim the same row) and puts their ids on the delivery queue. The cron sweep re-enqueues
 * rows claimed long ago but never acknowledged (lost send, crashed consumer): the claim moves enqueued_at,
 * so a row goes back on the queue exactly once per sweep however many sweeps run at once.
 */
import { and, inArray, isNull, lt, sql } from 'drizzle-orm';
import { chunked, runBatch } from '../db/batch';
import type { Db } from '../db/client';
import { notifications, type MessageChannel } from '../db/schema';

export type MessageJob = { notificationId: string; only?: MessageChannel[] };

/** The producer side of the delivery queue (the MESSAGES binding, or a test's recording queue). */
export type MessageQueue = Pick<Queue<MessageJob>, 'sendBatch'>;

/** A row enqueued longer ago than this and still unacknowledged is stranded (longest backoff is 10 min). */
export const STRANDED_AFTER_MS = 15 * 60 * 1000;
/** Queues accept at most 100 messages per sendBatch. */
const SEND_BATCH = 100;
/** Ids per give-back UPDATE: D1 allows 100 bound values per statement, and the claim time is one more. */
const GIVE_BACK_CHUNK = 90;

async function enqueue(queue: MessageQueue, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += SEND_BATCH) {
    await queue.sendBatch(ids.slice(i, i + SEND_BATCH).map((notificationId) => ({ body: { notificationId } })));
  }
}

/** Claims rows matching `where` (at most `limit`) by setting enqueued_at, and enqueues exactly those. */
async function claimAndEnqueue(db: Db, queue: MessageQueue, where: ReturnType<typeof and>, now: number, limit: number): Promise<number> {
  const candidates = db.select({ id: notifications.id }).from(notifications).where(where).limit(limit);
  const claimed = await db
    .update(notifications)
    .set({ enqueuedAt: now })
    .where(and(where, inArray(notifications.id, candidates)))
    .returning({ id: notifications.id });
  const ids = claimed.map((r) => r.id);
  try {
    await enqueue(queue, ids);
  } catch (error) {
    // Give the rows back so the next relay or sweep sends them; the consumer dedups if part went through.
    // D1 binds at most 100 values per statement: the ids go back in chunks, all in one batch.
    const giveBack = chunked(ids, GIVE_BACK_CHUNK).map((part) =>
      db.update(notifications).set({ enqueuedAt: null }).where(and(inArray(notifications.id, part), sql`${notifications.enqueuedAt} = ${now}`)),
    );
    if (giveBack.length) await runBatch(db, giveBack);
    throw error;
  }
  return ids.length;
}

/** Enqueues rows written but never enqueued (called after every write request and job run). */
export async function relayOutbox(db: Db, queue: MessageQueue, now = Date.now(), limit = 500): Promise<number> {
  return claimAndEnqueue(db, queue, and(isNull(notifications.deliveredAt), isNull(notifications.enqueuedAt)), now, limit);
}

/** Re-enqueues rows enqueued before `now - STRANDED_AFTER_MS` and never acknowledged. */
export async function sweepStranded(db: Db, queue: MessageQueue, now = Date.now(), limit = 500): Promise<number> {
  return claimAndEnqueue(db, queue, and(isNull(notifications.deliveredAt), lt(notifications.enqueuedAt, now - STRANDED_AFTER_MS)), now, limit);
}
