import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../env';
import type { FieldError } from '../lib/errors';
import { shanghaiDateTime } from '../lib/time';
import { AdminNav } from '../views/admin-nav';
import { Layout } from '../views/layout';
import type { AdminText } from './admin.i18n';
import { currentPath as pathOf } from '../views/kit';

type M = AdminText;

/** 'YYYY-MM-DD HH:mm' in Shanghai. */
export const shanghaiTime = (ms: number | null) => (ms === null ? '—' : shanghaiDateTime(ms));

const currentPath = (c: Context<AppEnv>) => pathOf(c.req.url);

export function AdminPage({ c, title, children, status }: { c: Context<AppEnv>; title: string; children: Child; status?: 200 | 400 | 404 | 409 }) {
  return c.html(
    <Layout title={title} locale={c.var.locale} path={currentPath(c)} actor={c.var.actor}>
      <AdminNav locale={c.var.locale} current={new URL(c.req.url).pathname} />
      {children}
    </Layout>,
    status ?? 200,
  );
}

export function Errors({ errors, m }: { errors: FieldError[]; m: M }) {
  if (!errors.length) return null;
  return (
    <div class="error" role="alert">
      {m.invalid}
      <ul>
        {errors.map((e) => (
          <li>
            {e.path.replace(/^(body|query)\./, '')}: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Section({ id, heading, count, children, link, m }: { id: string; heading: string; count: number; children: Child; link?: string; m: M }) {
  return (
    <section class="card stack" aria-labelledby={id} data-section={id}>
      <h2 id={id}>
        {heading} <span class={count ? 'badge warn' : 'badge'} data-count={count}>{count}</span>
      </h2>
      {count ? children : <p class="muted">{m.none}</p>}
      {link && count ? (
        <p>
          <a href={link}>{m.review} →</a>
        </p>
      ) : null}
    </section>
  );
}

/** A labelled text input; `idPrefix` keeps the ids unique when a page holds many forms. */
export function Field({ name, label, value, required, idPrefix, size }: { name: string; label: string; value?: string | number | null; required?: boolean; idPrefix: string; size?: number }) {
  const id = `${idPrefix}-${name}`;
  return (
    <div>
      <label for={id}>{label}</label>
      <input id={id} name={name} value={value ?? ''} required={required} size={size} />
    </div>
  );
}
