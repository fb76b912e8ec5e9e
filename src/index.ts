import { createApp } from './app';
import type { Bindings } from './env';
import { runScheduledJobs } from './jobs/scheduled';
import { handleQueue, type MessageJob } from './messages';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledJobs(env, controller.scheduledTime));
  },
  async queue(batch, env, _ctx) {
    await handleQueue(batch as MessageBatch<MessageJob>, env);
  },
} satisfies ExportedHandler<Bindings>;
