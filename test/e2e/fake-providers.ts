/**
 * WeChat Pay and Alipay on loopback for browser journeys: the same fakes the unit tests use
 * (test/helpers/providers.ts: they check our signatures and sign their answers with keys generated
 * here), behind a node:http server, plus what a buyer does on the provider's side — scan and pay
 * (`POST /__wechat/pay`), or confirm on Alipay's cashier page (`GET /gateway.do` → `POST /__alipay/pay`,
 * which posts Alipay's signed notify to us and sends the browser back). `vars` configure wrangler dev.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { alipayEnv, alipayKeys, alipayNotification, fakeAlipay, fakeWechatPay, wechatEnv, wechatKeys } from '../helpers/providers';

export type FakeProviders = { url: string; vars: Record<string, string>; stop(): Promise<void> };

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  return new Request(new URL(req.url ?? '/', base), { method: req.method, headers, ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }) });
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export async function startFakeProviders(port: number): Promise<FakeProviders> {
  const url = `http://127.0.0.1:${port}`;
  const [wk, ak] = [await wechatKeys(), await alipayKeys()];
  const wechat = fakeWechatPay(wk);
  const alipay = fakeAlipay(ak);

  async function route(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (process.env.FAKE_PROVIDERS_DEBUG) console.error('fake provider:', request.method, pathname);
    if (pathname.startsWith('/v3/')) return wechat.handle(request);
    if (pathname === '/__wechat/pay' && request.method === 'POST') {
      const outTradeNo = new URLSearchParams(await request.text()).get('out_trade_no') ?? '';
      return Response.json(wechat.pay(outTradeNo));
    }
    if (pathname === '/gateway.do' && request.method === 'POST') return alipay.handle(request);
    if (pathname === '/gateway.do' && request.method === 'GET') {
      const opened = await alipay.open(request.url);
      if (!opened.signatureValid) return new Response('验签出错 invalid-signature', { status: 400 });
      const fields = { out_trade_no: opened.biz.out_trade_no, return_url: opened.params.return_url ?? '', notify_url: opened.params.notify_url ?? '' };
      const hidden = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${escape(v)}">`).join('');
      return new Response(
        `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>支付宝收银台</title><h1>支付宝收银台</h1><p>${escape(opened.biz.subject)} ¥${escape(opened.biz.total_amount)}</p><form method="post" action="/__alipay/pay">${hidden}<button style="min-height:44px">确认付款</button></form>`,
        { headers: { 'content-type': 'text/html; charset=utf-8' } },
      );
    }
    if (pathname === '/__alipay/pay' && request.method === 'POST') {
      const form = new URLSearchParams(await request.text());
      const trade = alipay.pay(form.get('out_trade_no') ?? '');
      const notify = await alipayNotification(ak, { out_trade_no: trade.outTradeNo, trade_no: trade.tradeNo, trade_status: 'TRADE_SUCCESS', total_amount: (trade.totalFen / 100).toFixed(2) });
      // As Alipay does: notify the merchant server, then send the buyer back to return_url.
      await fetch(form.get('notify_url')!, { method: 'POST', body: notify, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } }).catch(() => undefined);
      return new Response(null, { status: 302, headers: { location: form.get('return_url')! } });
    }
    return new Response('not found', { status: 404 });
  }

  const server = createServer(async (req, res) => {
    try {
      const answer = await route(await toRequest(req, url));
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, name) => (headers[name] = value));
      res.writeHead(answer.status, headers);
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url,
    vars: { ...wechatEnv(wk, url), ...alipayEnv(ak, `${url}/gateway.do`) },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
