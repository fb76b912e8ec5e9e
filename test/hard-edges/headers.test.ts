import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { productId } from '../../seeds/seed';
import { BASE, callJson } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { sessionCookie } from '../helpers/accounts';
import { makeCooperative, makeProduct, orderBody, orderRowCounts, pickupAtShowroom } from '../helpers/orders';

beforeAll(seedDatabase);

describe('JSON body limit', () => {
  it('Should refuse a 1 MB padded JSON order with 413 before parsing it, writing nothing', async () => {
    const product = await makeProduct({ cooperativeId: await makeCooperative(), stock: 5 });
    const before = await orderRowCounts();
    const body = { ...orderBody([{ productId: product, quantity: 1 }], { delivery: pickupAtShowroom }), padding: 'x'.repeat(1024 * 1024) };
    const { status, body: problem } = await callJson('/api/v1/orders', { method: 'POST', json: body });
    expect(status).toBe(413);
    expect(problem.code).toBe('payload_too_large');
    expect(await orderRowCounts()).toEqual(before);
  });

  it('Should refuse an oversized JSON body sent without a Content-Length (streamed)', async () => {
    const chunk = new TextEncoder().encode(`{"padding":"${'x'.repeat(100 * 1024)}"}`);
    const stream = new ReadableStream({ start: (controller) => (controller.enqueue(chunk), controller.close()) });
    const res = await exports.default.fetch(`${BASE}/api/v1/quotes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream });
    expect(res.status).toBe(413);
  });

  it('Should still accept an ordinary JSON body', async () => {
    const { status } = await callJson('/api/v1/quotes', { method: 'POST', json: { items: [{ productId: productId('XW-HAM-001'), quantity: 1 }] } });
    expect(status).toBe(200);
  });
});

describe('Content-Security-Policy on every kind of page', () => {
  const PAGES = ['/', '/products', `/products/${productId('XW-HAM-001')}`, '/cart', '/checkout', '/sign-in', '/sign-up', '/impact', '/docs', '/account', '/orders', '/portal', '/procurement', '/admin', '/no-such-page'];

  it.each(PAGES)('Should serve %s with a strict script-src and no inline script', async (path) => {
    const cookie = await sessionCookie('admin@shanhai.local');
    const res = await exports.default.fetch(`${BASE}${path}`, { headers: { cookie }, redirect: 'manual' });
    expect(res.status).toBeLessThan(500);
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    // Every <script> has a src on our own origin; none carries code or an inline handler.
    for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) expect(tag).toMatch(/\bsrc="\/assets\//);
    expect(html).not.toMatch(/<script\b(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/\son(?:click|load|error|submit|change)=/i);
  });
});
