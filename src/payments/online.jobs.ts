import type { Job } from '../jobs/scheduled';
import { syncProviderPayment, unnotifiedProviderPayments } from './online';

/** A notification normally comes within seconds; after this, ask instead of waiting. */
const QUIET_FOR_MS = 2 * 60 * 1000;
const MAX_PER_RUN = 100;

/**
 * Asks WeChat Pay / Alipay about pending payments the buyer opened but whose notification has not
 * come (lost, our endpoint down, a misconfigured notify URL): money that came is recorded exactly as
 * a notification would record it. Past their window they are the expiry job's.
 */
export const queryUnnotifiedPayments: Job = {
  name: 'payments.query-unnotified',
  async run(db, env, now) {
    const ctx = { db, env, stripe: null, now };
    let changed = 0;
    for (const payment of await unnotifiedProviderPayments(ctx, QUIET_FOR_MS, MAX_PER_RUN)) {
      const result = await syncProviderPayment(ctx, payment);
      if (result === 'applied' || result === 'revived' || result === 'refunded') changed += 1;
    }
    return changed;
  },
};
