import { call } from './http';

/** A browser in miniature: keeps cookies, posts forms, does not follow redirects. */
export function browser(token?: string, defaults: Record<string, string> = {}) {
  const jar = new Map<string, string>();
  const send = async (path: string, init: RequestInit & { form?: Record<string, string> } = {}) => {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(defaults)) if (!headers.has(name)) headers.set(name, value);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    let body = init.body ?? undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    const res = await call(path, { ...init, method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual', token });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attrs] = cookie.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (attrs.some((a) => /max-age=0/i.test(a)) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  const post = (path: string, fields: Record<string, string>) => send(path, { form: fields });
  const html = async (path: string) => (await send(path)).text();
  return { send, post, html, jar };
}

/** The idempotency key a rendered checkout form carries. */
export function idempotencyKeyOf(html: string): string {
  return /name="idempotencyKey" value="([^"]+)"/.exec(html)![1]!;
}
