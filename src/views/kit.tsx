import type { Child } from 'hono/jsx';
import type { Actor } from '../env';
import type { Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { Layout } from './layout';
import { label } from './status-labels';

/** Small page pieces shared by every domain: money, state badges, notices, a message page. */

export function Money({ fen }: { fen: number }) {
  return <span class="price">{formatFen(fen)}</span>;
}

const BADGE_TONE: Record<string, string> = {
  pending_payment: 'warn',
  invoiced: 'warn',
  pending: 'warn',
  cancelled: 'bad',
  failed: 'bad',
  refunded: 'bad',
  overdue: 'bad',
};

export function StatusBadge({ locale, status }: { locale: Locale; status: string }) {
  const tone = BADGE_TONE[status];
  return <span class={tone ? `badge ${tone}` : 'badge'}>{label(locale, status)}</span>;
}

export function Notice({ kind = 'notice', children }: { kind?: 'notice' | 'error'; children?: Child }) {
  return (
    <p class={kind} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

export function MessagePage(props: { title: string; locale: Locale; path: string; actor: Actor | null; message: string; link?: { href: string; text: string } }) {
  return (
    <Layout title={props.title} locale={props.locale} path={props.path} actor={props.actor}>
      <h1>{props.title}</h1>
      <Notice kind="error">{props.message}</Notice>
      {props.link ? (
        <p>
          <a href={props.link.href}>{props.link.text}</a>
        </p>
      ) : null}
    </Layout>
  );
}

/** Path and query of the current request, for the language switch. */
export function currentPath(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}
