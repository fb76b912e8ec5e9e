import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobs, runScheduledJobs } from '../../src/jobs/scheduled';
import { demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { joinGroupBuy, openGroupBuy, setClosesAt } from '../helpers/group-buys';

beforeAll(seedDatabase);

/** The real D1 whose first `count` statements fail when run (a table that does not exist): a D1 outage of a moment. */
function d1FailingFirst(count: number): D1Database {
  let left = count;
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => (left-- > 0 ? target.prepare('SELECT * FROM fault_injected_job') : target.prepare(sql));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('scheduled jobs when one of them throws', () => {
  it('Should run the other jobs in the same tick and the failed one again on the next', async () => {
    const group = await openGroupBuy(await demoToken('showroomManager'), { minParticipants: 1 });
    expect((await joinGroupBuy(group.id)).status).toBe(201);
    await setClosesAt(group.id, Date.now() - 1000);

    const first = await runScheduledJobs({ ...env, DB: d1FailingFirst(1) });
    expect(first[jobs[0]!.name]).toBe(-1);
    for (const job of jobs.slice(1)) expect(first[job.name], job.name).toBeGreaterThanOrEqual(0);
    // The group-buy job, after the failed one, still closed the due group in this tick.
    const closed = await env.DB.prepare('SELECT status FROM group_buys WHERE id = ?').bind(group.id).first<{ status: string }>();
    expect(closed!.status).toBe('succeeded');

    const next = await runScheduledJobs(env);
    for (const job of jobs) expect(next[job.name], job.name).toBeGreaterThanOrEqual(0);
  });
});
