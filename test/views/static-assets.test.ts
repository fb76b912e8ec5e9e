import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { assetManifest } from '../../src/views/asset-manifest.generated';

const scriptSources = (html: string) => [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => /\bsrc="([^"]+)"/.exec(m[1]!)?.[1] ?? null);

describe('static assets', () => {
  it('Should name every asset by its content hash under /assets/', () => {
    for (const [name, url] of Object.entries(assetManifest)) {
      const ext = name.slice(name.lastIndexOf('.'));
      expect(url).toMatch(new RegExp(`^/assets/.+\\.[0-9a-f]{10}\\${ext}$`));
    }
  });

  it('Should serve each hashed asset from the static-assets binding', async () => {
    for (const url of Object.values(assetManifest)) {
      const res = await env.ASSETS.fetch(`http://localhost${url}`);
      expect(res.status, url).toBe(200);
      expect((await res.arrayBuffer()).byteLength, url).toBeGreaterThan(100);
    }
  });

  it('Should render /docs from the self-hosted viewer with no inline script and no CDN', async () => {
    const res = await exports.default.fetch('http://localhost/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    const sources = scriptSources(html);
    expect(sources).toEqual([assetManifest['vendor/scalar-api-reference.js'], assetManifest['js/api-docs.js']]);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('data-openapi-url="/openapi.json"');
  });

  it('Should allow scripts from our own origin only', async () => {
    const res = await exports.default.fetch('http://localhost/docs');
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1];
    expect(scriptSrc).toBe("'self'");
  });
});
