import { placeDueOccurrences } from './standing-orders.service';

/** Places the standing orders' due days (see standing-orders.service.ts); safe to run twice or concurrently. */
export const placeStandingOrders = {
  name: 'placeStandingOrders',
  run: (db: Parameters<typeof placeDueOccurrences>[0]['db'], env: Parameters<typeof placeDueOccurrences>[0]['env'], now: number) => placeDueOccurrences({ db, env, now }),
};
