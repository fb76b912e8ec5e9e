import type { Db } from '../db/client';
import type { Bindings } from '../env';

/** A scheduled job: idempotent and safe to run twice or concurrently. Returns how many rows it changed. */
export type Job = { name: string; run: (db: Db, env: Bindings, now: number) => Promise<number> };
