import { createApp } from './app';
import type { Bindings } from './env';
import { runScheduledJobs } from './jobs/scheduled';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledJobs(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
