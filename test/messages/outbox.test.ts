import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { relayOutbox, sweepStranded, type MessageJob, type MessageQueue } from '../../src/messages';
import { STRANDED_AFTER_MS } from '../../src/messages/outbox';
import { insertNotification, notificationState } from '../helpers/messages';

function recordingQueue(options: { fail?: boolean } = {}) {
  const sent: MessageJob[] = [];
  const queue: MessageQueue = {
    async sendBatch(messages) {
      if (options.fail) throw new Error('queue unavailable');
      for (const m of messages) sent.push(m.body);
      return {} as QueueSendBatchResponse;
    },
  };
  return { queue, sent };
}

const db = () => createDb(env.DB);
const ids = (jobs: MessageJob[]) => jobs.map((j) => j.notificationId);

describe('the outbox relay and the cron sweep', () => {
  it('Should enqueue a freshly written row once, however many relays run at the same time', async () => {
    const id = await insertNotification({ enqueued_at: null });
    const { queue, sent } = recordingQueue();
    await Promise.all([relayOutbox(db(), queue), relayOutbox(db(), queue), relayOutbox(db(), queue)]);
    expect(ids(sent).filter((x) => x === id)).toEqual([id]);
    expect((await notificationState(id))!.enqueued_at).not.toBeNull();
  });

  it('Should give a row back when the queue refuses it, so the next relay sends it', async () => {
    const id = await insertNotification({ enqueued_at: null });
    await expect(relayOutbox(db(), recordingQueue({ fail: true }).queue)).rejects.toThrow('queue unavailable');
    expect((await notificationState(id))!.enqueued_at).toBeNull();
    const { queue, sent } = recordingQueue();
    await relayOutbox(db(), queue);
    expect(ids(sent)).toContain(id);
  });

  it('Should give back more rows than one D1 statement can bind (100 values) when the queue refuses them', async () => {
    const written = await Promise.all(Array.from({ length: 130 }, () => insertNotification({ enqueued_at: null })));
    await expect(relayOutbox(db(), recordingQueue({ fail: true }).queue)).rejects.toThrow('queue unavailable');
    const states = await Promise.all(written.map((id) => notificationState(id)));
    expect(states.filter((s) => s!.enqueued_at !== null)).toHaveLength(0);
    const { queue, sent } = recordingQueue();
    await relayOutbox(db(), queue);
    expect(ids(sent)).toEqual(expect.arrayContaining(written));
  });

  it('Should re-enqueue a stranded row exactly once, even with sweeps running concurrently', async () => {
    const now = Date.now();
    const stranded = await insertNotification({ enqueued_at: now - STRANDED_AFTER_MS - 1 });
    const recent = await insertNotification({ enqueued_at: now - 1000 });
    const done = await insertNotification({ enqueued_at: now - STRANDED_AFTER_MS - 1, delivered_at: now - 60_000 });
    const { queue, sent } = recordingQueue();
    await Promise.all([sweepStranded(db(), queue, now), sweepStranded(db(), queue, now), sweepStranded(db(), queue, now + 1)]);
    expect(ids(sent).filter((x) => x === stranded)).toEqual([stranded]);
    expect(ids(sent)).not.toContain(recent);
    expect(ids(sent)).not.toContain(done);
    // Re-enqueued now: not stranded again until another STRANDED_AFTER_MS passes unacknowledged.
    await sweepStranded(db(), queue, now + 60_000);
    expect(ids(sent).filter((x) => x === stranded)).toHaveLength(1);
  });

  it('Should relay what a write request wrote before the response is complete (no cron needed)', async () => {
    const sent: unknown[] = [];
    const original = env.MESSAGES.sendBatch.bind(env.MESSAGES);
    env.MESSAGES.sendBatch = async (messages) => {
      sent.push(...[...messages].map((m) => m.body));
      return original(messages);
    };
    try {
      const { callJson, freshIp } = await import('../helpers/http');
      const res = await callJson('/api/auth/phone-number/send-otp', { method: 'POST', json: { phoneNumber: '13722223333' }, headers: { 'cf-connecting-ip': freshIp() } });
      expect(res.status).toBe(200);
      const row = await env.DB.prepare("SELECT id, enqueued_at FROM notifications WHERE phone = '13722223333'").first<{ id: string; enqueued_at: number | null }>();
      await new Promise((r) => setTimeout(r, 50));
      expect(sent).toContainEqual({ notificationId: row!.id });
    } finally {
      env.MESSAGES.sendBatch = original;
    }
  });
});
