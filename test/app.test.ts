import { createExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';

describe('the app shell', () => {
  it('Should answer the floor route without touching the database', async () => {
    const res = await exports.default.fetch('http://localhost/healthz');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('Should report the database ready with one query, and 503 when D1 fails', async () => {
    const ready = await exports.default.fetch('http://localhost/healthz/db');
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ok');

    const unavailable = () => {
      throw new Error('D1_ERROR: database is unavailable');
    };
    const failing = new Proxy(env.DB, {
      get: (target, prop) => (prop === 'withSession' ? () => ({ prepare: unavailable, batch: unavailable, getBookmark: () => null }) : Reflect.get(target, prop)),
    });
    const down = await worker.fetch(new Request('http://localhost/healthz/db'), { ...env, DB: failing }, createExecutionContext());
    expect(down.status).toBe(503);
  });

  it('Should serve a complete OpenAPI document and the docs page', async () => {
    const doc = await exports.default.fetch('http://localhost/openapi.json');
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as { openapi: string };
    expect(body.openapi).toBe('3.1.0');
    const docs = await exports.default.fetch('http://localhost/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/openapi.json');
  });

  it('Should answer an unknown route with a problem+json 404', async () => {
    const res = await exports.default.fetch('http://localhost/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { status: number; type: string };
    expect(body.status).toBe(404);
  });

  it('Should send secure headers', async () => {
    const res = await exports.default.fetch('http://localhost/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
