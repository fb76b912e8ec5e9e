import type { Job } from '../lib/jobs';
import { closeGroupBuy, groupsToClose } from './group-buys.close';
import { settlePendingParticipantRefunds } from './group-buys.refunds';

/**
 * Cron work for group buys, idempotent and safe beside an organiser closing at the same moment:
 * closeGroupBuy applies a close once, and refunds settle under their idempotency keys.
 */
export const groupBuyJobs: Job[] = [
  {
    name: 'group-buys.close-due',
    async run(db, env, now) {
      let closed = 0;
      for (const group of await groupsToClose(db, now)) {
        const reason = group.closesAt <= now ? 'deadline' : 'capacity';
        try {
          if ((await closeGroupBuy(db, env, group.id, { now, reason, actor: null })).closedNow) closed += 1;
        } catch (error) {
          // One group's trouble must not hold up the others; the next run tries it again.
          console.error(`closing group buy ${group.id} failed`, error);
        }
      }
      return closed;
    },
  },
  {
    name: 'group-buys.settle-refunds',
    run: (db, env, now) => settlePendingParticipantRefunds(db, env, now),
  },
];
