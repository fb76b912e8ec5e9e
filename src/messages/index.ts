/**
 * Messages that reach people: the outbox relay, the delivery queue's consumers, channels and the inbox.
 * Other domains write `notifications` rows in their own batches; this module sends them.
 */
import type { Bindings } from '../env';
import { createDb } from '../db/client';
import type { Job } from '../lib/jobs';
import { createChannels, type Fetch } from './channels';
import { consumeDeadLetters, consumeMessages } from './consumer';
import { relayOutbox, sweepStranded, type MessageJob } from './outbox';

export { relayOutbox, sweepStranded, type MessageJob, type MessageQueue } from './outbox';
export { createChannels, type Channels } from './channels';
export { deliverNotification, consumeMessages, PHONE_ACCOUNT_EMAIL_DOMAIN } from './consumer';
export { unreadCount } from './inbox.service';
export { messagesPages } from './messages.pages';
export { messagesApi } from './messages.api';

export const DEAD_LETTER_QUEUE = 'shanhai-messages-dlq';

/** The worker's `queue` handler: the delivery queue and its dead-letter queue. */
export async function handleQueue(batch: MessageBatch<MessageJob>, env: Bindings, fetcher?: Fetch): Promise<void> {
  const db = createDb(env.DB);
  if (batch.queue === DEAD_LETTER_QUEUE || batch.queue.endsWith('-dlq')) return consumeDeadLetters(db, batch, Date.now());
  return consumeMessages({ db, channels: createChannels(env, fetcher), queue: env.MESSAGES, appUrl: env.APP_URL, now: Date.now }, batch);
}

/** Cron: first rows never enqueued (a relay that did not run), then rows stranded on the queue. */
export const messageOutboxJob: Job = {
  name: 'messages.outbox-sweep',
  async run(db, env, now) {
    const relayed = await relayOutbox(db, env.MESSAGES, now);
    return relayed + (await sweepStranded(db, env.MESSAGES, now));
  },
};
