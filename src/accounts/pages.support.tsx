import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { z } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { AppError, handleError, validationError, type FieldError } from '../lib/errors';
import { parseYuanToFen } from '../lib/money';
import { Layout } from '../views/layout';
import { t } from './accounts.i18n';
import { currentPath as pathOf } from '../views/kit';

/** Helpers shared by the accounts pages: rendering, redirects, form parsing and page-friendly errors. */

export function currentPath(c: Context<AppEnv>): string {
  return pathOf(c.req.url);
}

export function renderPage(c: Context<AppEnv>, title: string, body: Child, status: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 429 = 200) {
  return c.html(
    <Layout title={title} locale={c.var.locale} path={currentPath(c)} actor={c.var.actor}>
      {body}
    </Layout>,
    status,
  );
}

/** Only same-site paths: `next=//evil.example` or `next=https://…` would make sign-in an open redirect. */
export function safeNext(value: unknown, fallback = '/account'): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : fallback;
}

export function signInRedirect(c: Context<AppEnv>, next = currentPath(c)) {
  return c.redirect(`/sign-in?next=${encodeURIComponent(next)}`, 303);
}

/** Form fields as trimmed strings (files ignored). */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value.trim();
  return out;
}

/**
 * Form text → API input: blank fields become `blank` (undefined when creating, null to clear when
 * editing), `*Yuan` fields become `*Fen` integers, checkboxes become booleans.
 */
export function formInput(
  fields: Record<string, string>,
  options: { blank: null | undefined; yuan?: string[]; checkboxes?: string[]; only?: string[] },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (options.only && !options.only.includes(key) && !options.yuan?.includes(key)) continue;
    if (options.yuan?.includes(key)) {
      const fenKey = key.replace(/Yuan$/, 'Fen');
      if (value === '') out[fenKey] = options.blank;
      else {
        const fen = parseYuanToFen(value);
        if (fen === null) {
          throw new AppError('validation_failed', `Invalid body.${fenKey}`, { errors: [{ path: `body.${fenKey}`, message: 'An amount in yuan, e.g. 1200 or 1200.50' }] });
        }
        out[fenKey] = fen;
      }
    } else out[key] = value === '' ? options.blank : value;
  }
  for (const key of options.checkboxes ?? []) out[key] = fields[key] === 'on' || fields[key] === 'true';
  return out;
}

/** Parses with the API's own schema so pages and API accept exactly the same input. */
export function parseWith<S extends z.ZodTypeAny>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, 'form');
  return result.data;
}

/** Status an AppError maps to, narrowed to what renderPage accepts. */
export function pageStatus(error: AppError): 400 | 401 | 403 | 404 | 409 | 422 | 429 {
  const s = error.status;
  return s === 401 || s === 403 || s === 404 || s === 409 || s === 422 || s === 429 ? s : 400;
}

export function ErrorNotice({ error, labels = {} }: { error: AppError | null | undefined; labels?: Record<string, string> }) {
  if (!error) return null;
  const fieldErrors: FieldError[] = error.errors ?? [];
  return (
    <div class="error" role="alert">
      <p style="margin:0">{error.message}</p>
      {fieldErrors.length ? (
        <ul>
          {fieldErrors.map((e) => {
            const field = e.path.replace(/^body\./, '');
            return (
              <li>
                {labels[field] ?? field}: {e.message}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * onError of the page routers: a guest is sent to sign in, any other AppError is an HTML page with the
 * right status (not the API's problem+json), anything unexpected falls through to the app's handler.
 */
export function pageErrorHandler(error: Error, c: Context<AppEnv>) {
  if (!(error instanceof AppError)) return handleError(error, c);
  if (error.code === 'unauthenticated') return signInRedirect(c, c.req.method === 'GET' ? currentPath(c) : '/account');
  const m = t(c.var.locale);
  return renderPage(
    c,
    m.errorTitle,
    <section class="stack">
      <h1>{m.errorTitle}</h1>
      <ErrorNotice error={error} />
      <p>
        <a href="/account">{m.back}</a>
      </p>
    </section>,
    pageStatus(error),
  );
}
