import { Hono, type Context } from 'hono';
import { ORGANIZATION_STATUSES, type OrganizationStatus } from '../db/schema';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { formatFen } from '../lib/money';
import { safeRedirectPath } from '../lib/safe-redirect';
import { AdminNav } from '../views/admin-nav';
import { creditTermsSchema } from './accounts.schemas';
import { kindLabel, statusLabel, t } from './accounts.i18n';
import { ErrorNotice, formFields, formInput, pageErrorHandler, pageStatus, parseWith, renderPage } from './pages.support';
import { countyOptions } from './places';
import { isBuyerKind, requireAdmin } from './policy';
import * as verification from './verification.service';
import { NextPage } from '../views/next-page';

/** /admin/organizations: the platform admin verifies and suspends organisations and sets invoice terms. */

function isStatus(value: unknown): value is OrganizationStatus {
  return (ORGANIZATION_STATUSES as readonly unknown[]).includes(value);
}

async function renderAdminOrganizations(c: Context<AppEnv>, error?: AppError) {
  const locale = c.var.locale;
  const m = t(locale);
  const actor = requireAdmin(c);
  const status = isStatus(c.req.query('status')) ? (c.req.query('status') as OrganizationStatus) : undefined;
  const cursor = c.req.query('cursor') || undefined;
  const [page, countyList] = await Promise.all([
    verification.listOrganizationsForAdmin(c.var.db, actor, { status, limit: 50, cursor }),
    countyOptions(c.var.db, locale),
  ]);
  const countyName = (id: string | null) => countyList.find((x) => x.id === id)?.label ?? id ?? m.none;
  const back = `/admin/organizations${status ? `?status=${status}` : ''}`;
  const filterHref = (s?: OrganizationStatus) => (s ? `/admin/organizations?status=${s}` : '/admin/organizations');
  return renderPage(
    c,
    m.adminOrganizations,
    <div class="stack">
      <AdminNav locale={locale} current={c.req.path} />
      <h1>{m.adminOrganizations}</h1>
      <nav class="row" aria-label={m.status}>
        <a href={filterHref()} aria-current={status ? undefined : 'page'}>
          {m.filterAll}
        </a>
        {ORGANIZATION_STATUSES.map((s) => (
          <a href={filterHref(s)} aria-current={status === s ? 'page' : undefined}>
            {statusLabel(locale, s)}
          </a>
        ))}
      </nav>
      <ErrorNotice error={error} labels={{ paymentTermsDays: m.paymentTerms, creditLimitFen: m.creditLimit }} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{m.organization}</th>
              <th scope="col">{m.status}</th>
              <th scope="col">{m.detailsOf}</th>
              <th scope="col">{m.owners}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((org) => (
              <tr id={org.id}>
                <td>
                  <a href={`/organizations/${org.id}`}>{org.name}</a>
                  <br />
                  <span class="muted">
                    {kindLabel(locale, org.kind)} · {m.createdAt} {org.createdAt.slice(0, 10)}
                  </span>
                </td>
                <td style="white-space:nowrap">
                  <span class={`badge${org.status === 'verified' ? '' : org.status === 'pending' ? ' warn' : ' bad'}`}>{statusLabel(locale, org.status)}</span>
                </td>
                <td>
                  {org.kind === 'cooperative' ? (
                    <span>
                      {m.county}: {countyName(org.countyId)}
                      <br />
                      {m.certificationNo}: {org.certificationNo ?? m.none}
                    </span>
                  ) : (
                    <span>
                      {m.invoiceTitle}: {org.invoiceTitle ?? m.none}
                      <br />
                      {m.taxId}: {org.taxId ?? m.none}
                      <br />
                      {m.paymentTerms}: {org.paymentTermsDays} {m.days} · {m.creditLimit} {formatFen(org.creditLimitFen)}
                    </span>
                  )}
                </td>
                <td>{org.ownerEmails.join(', ') || m.none}</td>
                <td class="stack">
                  <div class="row">
                    {org.status !== 'verified' ? (
                      <form method="post" action={`/admin/organizations/${org.id}/verify`}>
                        <input type="hidden" name="back" value={back} />
                        <button type="submit">{m.verify}</button>
                      </form>
                    ) : null}
                    {org.status !== 'suspended' ? (
                      <form method="post" action={`/admin/organizations/${org.id}/suspend`}>
                        <input type="hidden" name="back" value={back} />
                        <button type="submit" class="danger">
                          {m.suspend}
                        </button>
                      </form>
                    ) : null}
                  </div>
                  {isBuyerKind(org.kind) && org.status === 'verified' ? (
                    <form method="post" action={`/admin/organizations/${org.id}/credit-terms`} class="inline">
                      <input type="hidden" name="back" value={back} />
                      <div>
                        <label for={`days-${org.id}`}>
                          {m.paymentTerms} ({m.days})
                        </label>
                        <input id={`days-${org.id}`} name="paymentTermsDays" inputmode="numeric" size={4} value={String(org.paymentTermsDays)} />
                      </div>
                      <div>
                        <label for={`limit-${org.id}`}>{m.creditLimit} (¥)</label>
                        <input id={`limit-${org.id}`} name="creditLimitYuan" inputmode="decimal" size={10} value={(org.creditLimitFen / 100).toFixed(2)} />
                      </div>
                      <button type="submit" class="secondary" title={m.termsHint}>
                        {m.setTerms}
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <NextPage href={page.nextCursor ? `${filterHref(status)}${status ? '&' : '?'}cursor=${encodeURIComponent(page.nextCursor)}` : null}>{m.nextPage}</NextPage>
    </div>,
    error ? pageStatus(error) : 200,
  );
}

/** Admin form actions: success returns to the list (303), a refusal re-renders it with the reason. */
async function adminAction(c: Context<AppEnv>, action: (fields: Record<string, string>) => Promise<unknown>) {
  requireAdmin(c);
  const fields = await formFields(c);
  try {
    await action(fields);
  } catch (error) {
    if (error instanceof AppError) return renderAdminOrganizations(c, error);
    throw error;
  }
  const requested = safeRedirectPath(fields.back, '/admin/organizations');
  const back = /^\/admin\/organizations(?:[?#]|$)/.test(requested) ? requested : '/admin/organizations';
  return c.redirect(`${back}#${c.req.param('id')}`, 303);
}

export const adminOrganizationPages = new Hono<AppEnv>();
adminOrganizationPages.onError(pageErrorHandler);

adminOrganizationPages.get('/admin/organizations', (c) => renderAdminOrganizations(c));

adminOrganizationPages.post('/admin/organizations/:id/verify', (c) =>
  adminAction(c, () => verification.changeOrganizationStatus(c.var.db, requireAdmin(c), c.req.param('id'), 'verify')),
);

adminOrganizationPages.post('/admin/organizations/:id/suspend', (c) =>
  adminAction(c, () => verification.changeOrganizationStatus(c.var.db, requireAdmin(c), c.req.param('id'), 'suspend')),
);

adminOrganizationPages.post('/admin/organizations/:id/credit-terms', (c) =>
  adminAction(c, (fields) => {
    const input = formInput(fields, { blank: undefined, yuan: ['creditLimitYuan'], only: ['paymentTermsDays'] });
    const terms = parseWith(creditTermsSchema, { ...input, paymentTermsDays: input.paymentTermsDays === undefined ? undefined : Number(input.paymentTermsDays) });
    return verification.setCreditTerms(c.var.db, requireAdmin(c), c.req.param('id'), terms);
  }),
);
