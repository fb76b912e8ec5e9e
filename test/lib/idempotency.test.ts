import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/db/batch';
import { createDb } from '../../src/db/client';
import { stripeEvents } from '../../src/db/schema';
import { AppError } from '../../src/lib/errors';
import { claimIdempotency, idempotent, type IdempotentResult } from '../../src/lib/idempotency';
import type { Statement } from '../../src/db/batch';

const db = createDb(env.DB);
const actor = { userId: 'usr_idem_test' } as Parameters<typeof claimIdempotency>[1];

/** A use case that writes one row (a stripe_events row tagged for this test) next to the key record, like the real ones. */
function useCase(resourceId: string, calls: { runs: number; replays: number }) {
  return {
    run: async (record: (result: IdempotentResult) => Statement[]) => {
      calls.runs++;
      await runBatch(db, [...record({ resourceId, status: 201, body: { resourceId }, at: 1 }), db.insert(stripeEvents).values({ id: resourceId, type: 'idempotency-test', receivedAt: 1 })]);
      return { resourceId, replayed: false };
    },
    replay: async (stored: { resourceId: string }) => {
      calls.replays++;
      return { resourceId: stored.resourceId, replayed: true };
    },
  };
}

async function scratchRows(): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events WHERE type = 'idempotency-test'").first<{ n: number }>())!.n;
}

describe('idempotent (the one Idempotency-Key mechanism)', () => {
  it('Should run the use case without a key and write no key record', async () => {
    const before = await scratchRows();
    const calls = { runs: 0, replays: 0 };
    await idempotent(db, await claimIdempotency('test.nokey', actor, undefined, {}), useCase('r_nokey', calls));
    expect(calls).toEqual({ runs: 1, replays: 0 });
    expect(await scratchRows()).toBe(before + 1);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM idempotency_keys WHERE scope LIKE 'test.nokey%'").first('n')).toBe(0);
  });

  it('Should replay a known key with the same body, whatever the key order of the body', async () => {
    await scratchRows();
    const calls = { runs: 0, replays: 0 };
    const first = await idempotent(db, await claimIdempotency('test.replay', actor, 'key-replay-1', { a: 1, b: 2 }), useCase('r_replay', calls));
    const again = await idempotent(db, await claimIdempotency('test.replay', actor, 'key-replay-1', { b: 2, a: 1 }), useCase('r_other', calls));
    expect(first).toEqual({ resourceId: 'r_replay', replayed: false });
    expect(again).toEqual({ resourceId: 'r_replay', replayed: true });
    expect(calls).toEqual({ runs: 1, replays: 1 });
  });

  it('Should refuse a known key with another body as idempotency_mismatch, writing nothing', async () => {
    const before = await scratchRows();
    const calls = { runs: 0, replays: 0 };
    await idempotent(db, await claimIdempotency('test.mismatch', actor, 'key-mismatch', { a: 1 }), useCase('r_mismatch', calls));
    const refused = idempotent(db, await claimIdempotency('test.mismatch', actor, 'key-mismatch', { a: 2 }), useCase('r_mismatch2', calls));
    await expect(refused).rejects.toMatchObject({ code: 'idempotency_mismatch' } satisfies Partial<AppError>);
    expect(await scratchRows()).toBe(before + 1);
  });

  it('Should let two concurrent twins create one resource and replay the winner to the loser', async () => {
    const before = await scratchRows();
    const calls = { runs: 0, replays: 0 };
    const claim = await claimIdempotency('test.race', actor, 'key-race', { a: 1 });
    const results = await Promise.all([idempotent(db, claim, useCase('r_race_a', calls)), idempotent(db, claim, useCase('r_race_b', calls))]);
    expect(new Set(results.map((r) => r.resourceId)).size).toBe(1);
    expect(results.filter((r) => r.replayed)).toHaveLength(1);
    expect(await scratchRows()).toBe(before + 1);
  });

  it('Should keep scopes apart: the same key from another user is a new request', async () => {
    await scratchRows();
    const calls = { runs: 0, replays: 0 };
    const other = { userId: 'usr_idem_other' } as typeof actor;
    await idempotent(db, await claimIdempotency('test.scope', actor, 'key-scope', {}), useCase('r_scope_a', calls));
    const second = await idempotent(db, await claimIdempotency('test.scope', other, 'key-scope', {}), useCase('r_scope_b', calls));
    expect(second).toEqual({ resourceId: 'r_scope_b', replayed: false });
  });

  it('Should refuse an empty key as validation_failed', async () => {
    await expect(claimIdempotency('test.empty', actor, '', {})).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
