import { eq, inArray } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { parseWith, renderPage } from '../accounts';
import { counties, INVOICE_STATUSES, organization, type InvoiceStatus } from '../db/schema';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { localized } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { DAY_MS } from '../lib/time';
import { fill } from '../lib/i18n';
import { label } from '../views/status-labels';
import { shanghaiDateTime } from '../lib/time';
import { loadOrder, type OrderBundle } from '../orders';
import { requireOrderAccess } from '../orders';
import { StatusBadge } from '../views/kit';
import { creditPosition } from '../orders';
import { listInvoices, requestFapiao } from './invoices.service';
import { Money, OrgPage, orgPage, shanghaiDate, stringFields } from './pages.support';
import { t } from './procurement.i18n';
import { fapiaoRequestSchema } from './procurement.schemas';
import { NextPage } from '../views/next-page';

/** The organisation's invoices (to pay, overdue, paid), the printable pro-forma invoice of an order and its fapiao request. */
export const invoicePages = new Hono<AppEnv>();

invoicePages.get('/procurement/invoices', (c) =>
  orgPage(c, async (org) => {
    const locale = c.var.locale;
    const m = t(locale);
    const asked = c.req.query('status');
    const status = (INVOICE_STATUSES as readonly string[]).includes(asked ?? '') ? (asked as InvoiceStatus) : undefined;
    let page: Awaited<ReturnType<typeof listInvoices>>;
    try {
      page = await listInvoices(c.var.db, org.organizationId, { status, limit: 50, cursor: c.req.query('cursor') });
    } catch (error) {
      if (error instanceof AppError && error.status === 400) return c.redirect(`/procurement/invoices?org=${encodeURIComponent(org.organizationId)}`, 303);
      throw error;
    }
    const credit = await creditPosition(c.var.db, org.organizationId);
    const q = `org=${encodeURIComponent(org.organizationId)}`;
    return renderPage(
      c,
      m.invoices,
      <OrgPage m={m} org={org} current="/procurement/invoices" title={m.invoices}>
        <p class="muted">{m.invoicesIntro}</p>
        {credit.creditLimitFen > 0 ? (
          <p class="card">
            {m.credit}:{' '}
            {fill(m.creditLine, { limit: formatFen(credit.creditLimitFen), outstanding: formatFen(credit.outstandingFen), available: formatFen(credit.availableFen), days: credit.paymentTermsDays })}
          </p>
        ) : null}
        <nav class="row" aria-label={m.invoiceStatus}>
          {[undefined, ...INVOICE_STATUSES].map((s) => (
            <a href={`/procurement/invoices?${q}${s ? `&status=${s}` : ''}`} aria-current={s === status ? 'page' : undefined} class={s === status ? 'badge' : undefined}>
              {s ? label(locale, s) : m.all}
            </a>
          ))}
        </nav>
        {page.items.length === 0 ? (
          <p class="muted">{m.noInvoices}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{m.orderNo}</th>
                  <th scope="col">{m.placedAt}</th>
                  <th scope="col">{m.amount}</th>
                  <th scope="col">{m.dueAt}</th>
                  <th scope="col">{m.invoiceStatus}</th>
                  <th scope="col">{m.proforma}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((i) => (
                  <tr data-order-id={i.orderId} data-invoice-status={i.invoiceStatus}>
                    <td style="overflow-wrap:anywhere">
                      <a href={`/orders/${i.orderId}`}>{i.orderId}</a>
                    </td>
                    <td>{shanghaiDate(i.createdAt)}</td>
                    <td>
                      <Money fen={i.totalFen - i.refundedFen} />
                    </td>
                    <td>{i.invoiceDueAt ? shanghaiDate(i.invoiceDueAt) : '—'}</td>
                    <td>
                      <StatusBadge locale={locale} status={i.invoiceStatus} />
                      {i.fapiaoRequestedAt ? <div class="muted">{m.fapiaoRequested}</div> : null}
                    </td>
                    <td>
                      <a href={`/orders/${i.orderId}/invoice`}>{m.proforma}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <NextPage href={page.nextCursor ? `/procurement/invoices?${q}${status ? `&status=${status}` : ''}&cursor=${page.nextCursor}` : null}>{m.more}</NextPage>
      </OrgPage>,
    );
  }),
);

// ----- pro-forma invoice -----------------------------------------------------------------------------

const PRINT_CSS = `@page{size:A4;margin:14mm}.proforma table{font-size:.92rem}.proforma h2{margin-top:.8em}@media print{.proforma .card{border:0;padding:0}.proforma table th,.proforma table td{border-bottom:1px solid #999}}`;

/** The order as its buyer side may see it (buyer, guest token, organisation members, admins), or 404. */
async function buyerSideOrder(c: Context<AppEnv>, orderId: string, token?: string): Promise<OrderBundle> {
  const { bundle, access } = requireOrderAccess(c.var.actor, await loadOrder(c.var.db, orderId), token);
  if (access.kind !== 'buyer') throw new AppError('not_found', 'Order not found');
  return bundle;
}

async function renderProforma(c: Context<AppEnv>, orderId: string, notice?: { kind: 'notice' | 'error'; text: string }, status: 200 | 400 | 404 | 409 = 200) {
  const locale = c.var.locale;
  const m = t(locale);
  const token = c.req.query('token');
  const bundle = await buyerSideOrder(c, orderId, token);
  const { order } = bundle;
  const [org, countyRows] = await Promise.all([
    order.organizationId
      ? c.var.db.select({ name: organization.name, invoiceTitle: organization.invoiceTitle, taxId: organization.taxId }).from(organization).where(eq(organization.id, order.organizationId)).get()
      : null,
    c.var.db.select({ id: counties.id, nameZh: counties.nameZh, nameEn: counties.nameEn }).from(counties).where(inArray(counties.id, [...new Set(bundle.lines.map((l) => l.countyId))])),
  ]);
  const countyName = new Map(countyRows.map((r) => [r.id, localized(r, 'name', locale)]));
  const title = order.fapiaoTitle ?? org?.invoiceTitle ?? org?.name ?? order.contactName;
  const taxId = order.fapiaoTaxId ?? org?.taxId ?? '—';
  const termsDays = order.invoiceDueAt ? Math.round((order.invoiceDueAt - order.createdAt) / DAY_MS) : null;
  const mayRequest = order.organizationId !== null && order.fapiaoRequestedAt === null && order.status !== 'cancelled' && order.status !== 'refunded';
  return renderPage(
    c,
    `${m.proformaTitle} ${order.id}`,
    <article class="proforma stack">
      <style dangerouslySetInnerHTML={{ __html: PRINT_CSS }} />
      <h1 style="overflow-wrap:anywhere">
        {m.proformaTitle} · {order.id}
      </h1>
      <p class="muted">{m.proformaNote}</p>
      {notice ? (
        <p class={`${notice.kind} no-print`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.text}
        </p>
      ) : null}
      <section class="card">
        <dl class="facts">
          <dt>{m.buyer}</dt>
          <dd>{org?.name ?? order.contactName}</dd>
          <dt>{m.fapiaoTitle}</dt>
          <dd data-testid="fapiao-title">{title}</dd>
          <dt>{m.taxId}</dt>
          <dd data-testid="tax-id">{taxId}</dd>
          <dt>{m.seller}</dt>
          <dd>{m.sellerName}</dd>
          <dt>{m.orderNo}</dt>
          <dd style="overflow-wrap:anywhere">{order.id}</dd>
          <dt>{m.placedAt}</dt>
          <dd>{shanghaiDateTime(order.createdAt)}</dd>
          {order.invoiceDueAt ? (
            <>
              <dt>{m.dueAt}</dt>
              <dd>
                <strong>{shanghaiDate(order.invoiceDueAt)}</strong> {order.invoiceStatus ? <StatusBadge locale={locale} status={order.invoiceStatus} /> : null}
              </dd>
              <dt>{m.terms}</dt>
              <dd>
                {fill(m.termsLine, { days: termsDays ?? 0 })} · {fill(m.transferRef, { id: order.id })}
              </dd>
            </>
          ) : (
            <>
              <dt>{m.payment}</dt>
              <dd>{label(locale, order.paymentMethod)}</dd>
            </>
          )}
        </dl>
      </section>
      {bundle.shipments.map((s) => {
        const lines = bundle.lines.filter((l) => l.shipmentId === s.id);
        return (
          <section class="card" aria-labelledby={`seller-${s.id}`}>
            <h2 id={`seller-${s.id}`}>
              {m.cooperative}: {locale === 'en' && s.cooperativeNameEn ? s.cooperativeNameEn : s.cooperativeName}
              {lines[0] ? <span class="muted"> · {countyName.get(lines[0].countyId)}</span> : null}
            </h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{m.sku}</th>
                    <th scope="col">{m.goods}</th>
                    <th scope="col">{m.quantity}</th>
                    <th scope="col">{m.unitPrice}</th>
                    <th scope="col">{m.lineTotal}</th>
                  </tr>
                </thead>
                <tbody>
                  {lines.map((l) => (
                    <tr>
                      <td>{l.sku}</td>
                      <td>{localized(l, 'name', locale)}</td>
                      <td>{l.quantity}</td>
                      <td>{formatFen(l.unitPriceFen)}</td>
                      <td>{formatFen(l.lineTotalFen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p class="muted" style="margin:4px 0 0">
              {m.subtotal} {formatFen(s.subtotalFen)} · {m.shipping} {formatFen(s.shippingFen)}
            </p>
          </section>
        );
      })}
      <section class="card">
        <dl class="facts">
          <dt>{m.subtotal}</dt>
          <dd>{formatFen(order.subtotalFen)}</dd>
          <dt>{m.shipping}</dt>
          <dd>{formatFen(order.shippingFen)}</dd>
          {order.refundedFen > 0 ? (
            <>
              <dt>{m.refunded}</dt>
              <dd>-{formatFen(order.refundedFen)}</dd>
            </>
          ) : null}
          <dt>{m.total}</dt>
          <dd>
            <strong data-testid="proforma-total">{formatFen(order.totalFen - order.refundedFen)}</strong>
          </dd>
        </dl>
      </section>
      <p class="row no-print">
        <button type="button" onclick="window.print()">
          {m.print}
        </button>
        <a href={`/orders/${order.id}${token ? `?token=${encodeURIComponent(token)}` : ''}`}>{m.viewOrder}</a>
      </p>
      {order.fapiaoRequestedAt ? (
        <p class="notice no-print">{fill(m.fapiaoDone, { time: shanghaiDateTime(order.fapiaoRequestedAt), title: order.fapiaoTitle ?? '', taxId: order.fapiaoTaxId ?? '' })}</p>
      ) : mayRequest && order.organizationId && c.var.actor?.memberships.some((x) => x.organizationId === order.organizationId) ? (
        <form method="post" action={`/orders/${order.id}/fapiao`} class="card stack no-print">
          <h2 style="margin-top:0">{m.requestFapiao}</h2>
          <label for="title">{m.fapiaoTitle}</label>
          <input id="title" name="title" value={org?.invoiceTitle ?? org?.name ?? ''} required maxlength={200} />
          <label for="taxId">{m.taxId}</label>
          <input id="taxId" name="taxId" value={org?.taxId ?? ''} required maxlength={20} />
          <label for="email">{m.fapiaoEmail}</label>
          <input id="email" name="email" type="email" maxlength={200} />
          <p>
            <button type="submit">{m.requestFapiao}</button>
          </p>
        </form>
      ) : null}
    </article>,
    status,
  );
}

invoicePages.get('/orders/:id/invoice', (c) => {
  const m = t(c.var.locale);
  return renderProforma(c, c.req.param('id'), c.req.query('fapiao') ? { kind: 'notice', text: m.fapiaoSent } : undefined);
});

invoicePages.post('/orders/:id/fapiao', async (c) => {
  const fields = stringFields(await c.req.parseBody());
  const id = c.req.param('id');
  if (!c.var.actor) throw new AppError('unauthenticated', 'Sign in to continue');
  try {
    const input = parseWith(fapiaoRequestSchema, { title: fields.title, taxId: fields.taxId, ...(fields.email ? { email: fields.email } : {}) });
    await requestFapiao(c.var.db, c.var.actor, id, input);
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'not_found' || error.status >= 500) throw error;
    const text = error.errors?.length ? error.errors.map((e) => `${e.path.replace(/^body\./, '')}: ${e.message}`).join('; ') : error.message;
    return renderProforma(c, id, { kind: 'error', text }, error.status === 409 ? 409 : 400);
  }
  return c.redirect(`/orders/${id}/invoice?fapiao=1`, 303);
});
