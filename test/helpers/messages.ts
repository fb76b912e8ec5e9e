import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { vi } from 'vitest';
import worker from '../../src/index';
import { aliyunSignature } from '../../src/messages/aliyun-sms';
import { newId } from '../../src/lib/ids';

export type MessageJob = { notificationId: string; only?: ('sms' | 'email')[] };

/** Provider credentials as a deployment would set them (the test env has none: local outbox). */
export const ALIYUN = { id: 'LTAI-test-key', secret: 'test-secret-aliyun', sign: '山海消费帮扶' };
export const RESEND_KEY = 're_test_key';
export const providerEnv = {
  ...env,
  ALIYUN_ACCESS_KEY_ID: ALIYUN.id,
  ALIYUN_ACCESS_KEY_SECRET: ALIYUN.secret,
  ALIYUN_SMS_SIGN_NAME: ALIYUN.sign,
  SMS_TEMPLATES: JSON.stringify({ sign_in_code: 'SMS_100001', group_formed: 'SMS_100002', group_failed: 'SMS_100003', order_paid: 'SMS_100004', shipment_shipped: 'SMS_100005', shipment_delivered: 'SMS_100006', pickup_reminder: 'SMS_100007', password_reset: 'SMS_100008' }),
  RESEND_API_KEY: RESEND_KEY,
  EMAIL_FROM: 'Shanhai <messages@shanhai.example>',
};

export async function insertNotification(overrides: Record<string, unknown> = {}): Promise<string> {
  const id = (overrides.id as string) ?? newId('ntf');
  const row = { user_id: null, organization_id: null, phone: '13900000001', kind: 'group_buy.participant_formed', title_zh: '已成团', title_en: 'Formed', payload: JSON.stringify({ title: '普洱团', pickup: '静安展销馆', pickupCode: 'K7Q2' }), created_at: Date.now(), enqueued_at: Date.now(), ...overrides, id };
  const cols = Object.keys(row);
  await env.DB.prepare(`INSERT INTO notifications (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`)
    .bind(...cols.map((c) => (row as Record<string, unknown>)[c]))
    .run();
  return id;
}

let messageCounter = 0;
/** Runs the worker's queue handler on `jobs` as the queue would deliver them (attempts = delivery count). */
export async function deliver(jobs: MessageJob[], options: { attempts?: number; queue?: string; env?: object } = {}) {
  const batch = createMessageBatch<MessageJob>(
    options.queue ?? 'shanhai-messages',
    jobs.map((body) => ({ id: `msg-${++messageCounter}`, timestamp: new Date(), attempts: options.attempts ?? 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue!(batch as MessageBatch<unknown>, (options.env ?? providerEnv) as never, ctx);
  return getQueueResult(batch, ctx);
}

export async function deliveries(notificationId: string) {
  const { results } = await env.DB.prepare('SELECT channel, status, provider, recipient, provider_message_id, provider_status, attempts, content FROM message_deliveries WHERE notification_id = ? ORDER BY channel').bind(notificationId).all<Record<string, any>>();
  return results.map((r) => ({ ...r, content: r.content ? JSON.parse(r.content) : null }) as Record<string, any>);
}

export async function notificationState(id: string) {
  return env.DB.prepare('SELECT enqueued_at, delivered_at, read_at, user_id FROM notifications WHERE id = ?').bind(id).first<{ enqueued_at: number | null; delivered_at: number | null; read_at: number | null; user_id: string | null }>();
}

export type ProviderCall = { provider: 'aliyun' | 'resend'; params: URLSearchParams | null; json: any; headers: Headers };

type Reply = { status: number; body: unknown };
/**
 * Replaces Alibaba Cloud SMS and Resend at the network boundary. Every Alibaba request's signature is
 * recomputed with the shared secret and a mismatch answers Alibaba's own `SignatureDoesNotMatch`.
 * `sms` / `email` script the answers in order (the last repeats); default is success.
 */
export function fakeProviders(script: { sms?: Reply[]; email?: Reply[] } = {}) {
  const calls: ProviderCall[] = [];
  let smsIndex = 0;
  let emailIndex = 0;
  const next = (list: Reply[] | undefined, index: number, fallback: Reply) => (list?.length ? list[Math.min(index, list.length - 1)]! : fallback);
  const reply = (r: Reply) => new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.hostname === 'dysmsapi.aliyuncs.com') {
      const params = new URLSearchParams(await request.text());
      calls.push({ provider: 'aliyun', params, json: null, headers: request.headers });
      const signed = Object.fromEntries([...params].filter(([k]) => k !== 'Signature'));
      const expected = await aliyunSignature('POST', signed, ALIYUN.secret);
      if (params.get('Signature') !== expected || params.get('AccessKeyId') !== ALIYUN.id) {
        return reply({ status: 400, body: { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.', RequestId: 'req-bad' } });
      }
      const r = next(script.sms, smsIndex++, { status: 200, body: { Code: 'OK', Message: 'OK', BizId: `biz-${calls.length}`, RequestId: `req-${calls.length}` } });
      return reply(r);
    }
    if (url.hostname === 'api.resend.com') {
      const json = await request.json();
      calls.push({ provider: 'resend', params: null, json, headers: request.headers });
      if (request.headers.get('authorization') !== `Bearer ${RESEND_KEY}`) return reply({ status: 401, body: { statusCode: 401, name: 'missing_api_key', message: 'Missing API key' } });
      return reply(next(script.email, emailIndex++, { status: 200, body: { id: `em-${calls.length}` } }));
    }
    throw new Error(`unexpected outbound fetch to ${url.hostname}`);
  });
  return {
    calls,
    sms: () => calls.filter((c) => c.provider === 'aliyun'),
    emails: () => calls.filter((c) => c.provider === 'resend'),
    restore: () => spy.mockRestore(),
  };
}

/** A Shanghai wall-clock time (UTC+8) as epoch ms: `shanghaiTime(14)` is today 14:00 in Shanghai. */
export function shanghaiTime(hour: number, minute = 0): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour - 8, minute);
}
