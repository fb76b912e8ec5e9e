/**
 * Message delivery bench: 10,000 notifications written to the outbox of the bundled worker running in
 * workerd through Miniflare (its real D1 and its real queue simulation: producer, consumer, dead-letter
 * queue), with Alibaba Cloud SMS replaced at the network boundary by Miniflare's outboundService — a fake
 * that checks each request's signature and answers in Alibaba's documented shape. The cron handler relays
 * the outbox onto the queue; the worker's own queue consumer delivers. Prints messages/s, duplicates
 * (two provider calls for one notification) and losses (a notification with no accepted SMS).
 *
 *   npm run bench:messages            (10,000)     npm run bench:messages -- --count 2000
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COUNT = Number(process.argv[process.argv.indexOf('--count') + 1]) || 10_000;
const SECRET = 'bench-secret';

function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function verifyAliyun(params: URLSearchParams): boolean {
  const signed = [...params].filter(([k]) => k !== 'Signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = signed.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  const expected = createHmac('sha1', `${SECRET}&`).update(`POST&%2F&${percentEncode(query)}`).digest('base64');
  return params.get('Signature') === expected;
}

function migrations(): string[] {
  const dir = path.join(ROOT, 'migrations');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('--> statement-breakpoint').map((s) => s.trim()).filter(Boolean));
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'shanhai-messages-bench-'));
  console.log('Bundling the worker (wrangler deploy --dry-run)...');
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', work], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
  const callsByReference = new Map<string, number>();
  let badSignatures = 0;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath: path.join(work, 'index.js'),
      modulesRoot: work,
      compatibilityDate: '2026-10-01',
      compatibilityFlags: ['nodejs_compat'],
      d1Databases: { DB: 'messages-bench' },
      r2Buckets: { PHOTOS: 'messages-bench-photos' },
      queueProducers: { MESSAGES: 'shanhai-messages' },
      queueConsumers: {
        'shanhai-messages': { maxBatchSize: 50, maxBatchTimeout: 1, maxRetries: 5, deadLetterQueue: 'shanhai-messages-dlq' },
        'shanhai-messages-dlq': { maxBatchSize: 50, maxBatchTimeout: 1 },
      },
      bindings: {
        APP_URL: 'http://127.0.0.1:8816',
        ALIYUN_ACCESS_KEY_ID: 'LTAI-bench',
        ALIYUN_ACCESS_KEY_SECRET: SECRET,
        ALIYUN_SMS_SIGN_NAME: '山海消费帮扶',
        SMS_TEMPLATES: JSON.stringify({ sign_in_code: 'SMS_200001' }),
      },
      // The network boundary: every outbound fetch of the worker lands here.
      outboundService: async (request: Request) => {
        const url = new URL(request.url);
        if (url.hostname !== 'dysmsapi.aliyuncs.com') return new Response('unexpected host', { status: 599 });
        const params = new URLSearchParams(await request.text());
        if (!verifyAliyun(params)) {
          badSignatures++;
          return Response.json({ Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.', RequestId: 'bad' }, { status: 400 });
        }
        const reference = params.get('OutId') ?? '';
        callsByReference.set(reference, (callsByReference.get(reference) ?? 0) + 1);
        return Response.json({ Code: 'OK', Message: 'OK', BizId: `biz-${reference}`, RequestId: `req-${reference}` });
      },
      resourcePersistencePath: path.join(work, 'state'),
      log: undefined,
    } as never),
  );
  try {
    await mf.ready;
    const d1 = await mf.getD1Database('DB');
    const statements = migrations();
    for (let i = 0; i < statements.length; i += 50) await d1.batch(statements.slice(i, i + 50).map((s) => d1.prepare(s)));
    console.log(`Writing ${COUNT.toLocaleString('en-US')} notifications to the outbox...`);
    // One statement (a recursive CTE) rather than thousands of bound inserts through Miniflare's Node proxy.
    // Sign-in codes: the one SMS that ignores the quiet hours (21:00–08:00 Shanghai), so the bench measures the
    // same path at any hour (a group-formed text written at night waits for 08:00, as it should).
    await d1
      .prepare(
        `INSERT INTO notifications (id, phone, kind, title_zh, title_en, payload, created_at)
         WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1 - 1)
         SELECT 'ntf_bench_' || printf('%06d', i), '139' || printf('%08d', i), 'auth.sign_in_code', '验证码', 'Sign-in code',
                json_object('code', printf('%06d', i)), ?2 FROM seq`,
      )
      .bind(COUNT, Date.now())
      .run();
    console.log("Outbox written; relaying and delivering...");

    const worker = await mf.getWorker();
    const started = performance.now();
    let delivered = 0;
    let polls = 0;
    // The cron relays up to 500 unsent rows a run; run it until the outbox is empty, then wait for the consumer.
    while (delivered < COUNT) {
      const pending = await d1.prepare('SELECT count(*) AS n FROM notifications WHERE enqueued_at IS NULL').first<{ n: number }>();
      if (pending!.n > 0) await worker.scheduled({ cron: '*/5 * * * *', scheduledTime: new Date() });
      else await new Promise((r) => setTimeout(r, 200));
      delivered = (await d1.prepare('SELECT count(*) AS n FROM notifications WHERE delivered_at IS NOT NULL').first<{ n: number }>())!.n;
      if (++polls % 25 === 0) console.log(`  ${delivered.toLocaleString('en-US')} delivered after ${Math.round(performance.now() - started)} ms`);
      if (performance.now() - started > 10 * 60_000) throw new Error(`timed out with ${delivered} of ${COUNT} delivered`);
    }
    const seconds = (performance.now() - started) / 1000;
    const sent = await d1.prepare("SELECT count(*) AS n FROM message_deliveries WHERE channel = 'sms' AND status = 'sent'").first<{ n: number }>();
    const lost = await d1
      .prepare("SELECT count(*) AS n FROM notifications n WHERE NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.notification_id = n.id AND d.channel = 'sms' AND d.status = 'sent')")
      .first<{ n: number }>();
    const duplicates = [...callsByReference.values()].filter((n) => n > 1).length;
    const result = {
      messages: COUNT,
      seconds: Number(seconds.toFixed(2)),
      messagesPerSecond: Math.round(COUNT / seconds),
      providerCalls: [...callsByReference.values()].reduce((a, b) => a + b, 0),
      acceptedDeliveries: sent!.n,
      duplicates,
      losses: lost!.n,
      badSignatures,
    };
    console.log(JSON.stringify(result, null, 2));
    if (duplicates > 0 || lost!.n > 0 || badSignatures > 0) process.exitCode = 1;
  } finally {
    await mf.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
