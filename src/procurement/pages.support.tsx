import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { isBuyerKind } from '../accounts';
import { renderPage } from '../accounts';
import type { AppEnv, Membership } from '../env';
import { AppError } from '../lib/errors';
import { formatFen } from '../lib/money';
import { shanghaiDay } from '../lib/time';
import { t, type ProcurementStrings } from './procurement.i18n';

/** Helpers shared by the procurement pages: which organisation a page is about, the section links, money. */

export function buyerMemberships(c: Context<AppEnv>): Membership[] {
  return (c.var.actor?.memberships ?? []).filter((m) => isBuyerKind(m.kind));
}

/**
 * Renders a page about one buyer organisation of the actor: `?org=` (or form field `org`), or their only
 * one; someone in several is asked to choose, someone in none is told how to get one. A guest goes to
 * sign in (the page error handler); an organisation they are not in is not found.
 */
export async function orgPage(c: Context<AppEnv>, render: (membership: Membership) => Response | Promise<Response>, requested = c.req.query('org')): Promise<Response> {
  if (!c.var.actor) throw new AppError('unauthenticated', 'Sign in to continue');
  const mine = buyerMemberships(c);
  const m = t(c.var.locale);
  if (requested) {
    const membership = mine.find((x) => x.organizationId === requested);
    if (!membership) throw new AppError('not_found', `Organisation ${requested} not found`);
    return render(membership);
  }
  if (mine.length === 1) return render(mine[0]!);
  if (mine.length === 0) {
    return renderPage(
      c,
      m.procurement,
      <section class="stack">
        <h1>{m.procurement}</h1>
        <p class="notice">{m.noBuyerOrg}</p>
        <p>
          <a class="button" href="/organizations/new">
            {m.createOrg}
          </a>
        </p>
      </section>,
    );
  }
  const here = new URL(c.req.url);
  return renderPage(
    c,
    m.chooseOrg,
    <section class="stack">
      <h1>{m.chooseOrg}</h1>
      <ul>
        {mine.map((x) => {
          here.searchParams.set('org', x.organizationId);
          return (
            <li>
              <a href={`${here.pathname}${here.search}`}>{x.organizationName}</a>
            </li>
          );
        })}
      </ul>
    </section>,
  );
}

const SECTIONS = [
  ['/procurement', 'dashboard'],
  ['/procurement/bulk', 'bulk'],
  ['/procurement/quick', 'quick'],
  ['/procurement/standing-orders', 'standingOrders'],
  ['/procurement/approvals', 'approvals'],
  ['/procurement/invoices', 'invoices'],
] as const;

/** The section links of one organisation's procurement pages. */
export function ProcurementNav({ m, org, current }: { m: ProcurementStrings; org: Membership; current: string }) {
  const q = `?org=${encodeURIComponent(org.organizationId)}`;
  return (
    <nav class="row no-print" aria-label={m.nav} style="margin-bottom:12px">
      {SECTIONS.map(([href, key]) => (
        <a href={`${href}${q}`} class={href === current ? 'button' : 'button secondary'} aria-current={href === current ? 'page' : undefined}>
          {m[key]}
        </a>
      ))}
      <a href={`/organizations/${encodeURIComponent(org.organizationId)}#delivery-locations`} class="button secondary">
        {m.deliveryLocations}
      </a>
    </nav>
  );
}

export function Money({ fen }: { fen: number }) {
  return <span class="price">{formatFen(fen)}</span>;
}

/** Title, organisation name and section links, then the page body. */
export function OrgPage({ m, org, current, title, children }: { m: ProcurementStrings; org: Membership; current: string; title: string; children?: Child }) {
  return (
    <div class="stack">
      <p class="muted" style="margin:0">{org.organizationName}</p>
      <h1 style="margin-top:0">{title}</h1>
      <ProcurementNav m={m} org={org} current={current} />
      {children}
    </div>
  );
}

/** A Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(ms: number): string {
  return shanghaiDay(ms);
}

/** Form fields of a parsed body as trimmed strings. */
export function stringFields(body: Record<string, string | File | (string | File)[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value.trim();
  return out;
}
