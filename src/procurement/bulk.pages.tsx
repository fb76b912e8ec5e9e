import { asc, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { canUseInvoiceTerms } from '../accounts';
import { renderPage } from '../accounts';
import type { Db } from '../db/client';
import { deliveryLocations, organization } from '../db/schema';
import type { AppEnv, Membership } from '../env';
import { decodeUtf8 } from '../lib/csv';
import { AppError } from '../lib/errors';
import { localized, type Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { ensureCart, addToCart } from '../orders';
import { cartOwner, rememberGuestCart } from '../orders';
import { fill } from '../lib/i18n';
import { loadOrder } from '../orders';
import { requireOrderActor } from '../orders';
import { getStripe } from '../payments';
import { parseBulkCsv, type BulkCsvLine } from './bulk-csv';
import { placeBulk, previewBulk, type BulkOrderFields } from './bulk.service';
import { Money, OrgPage, orgPage, stringFields } from './pages.support';
import { lineStatusLabel, t, type ProcurementStrings } from './procurement.i18n';
import type { BulkLine, BulkReport } from './procurement.schemas';

/**
 * Bulk order (paste or upload a CSV), quick order (SKU + quantity rows) and "order again": all end in
 * the same preview — the per-line report with problem lines highlighted and every quantity editable —
 * and are placed through the same bulk service as `POST /orders/bulk`.
 */
export const bulkPages = new Hono<AppEnv>();

// ----- form ⇄ lines ----------------------------------------------------------------------------------

/** Lines posted back by the preview or quick-order form (`n`, `line_i`, `sku_i`, `qty_i`); empty rows dropped. */
function linesFromForm(fields: Record<string, string>): BulkCsvLine[] {
  const n = Math.min(5000, Math.max(0, Number(fields.n) || 0));
  const lines: BulkCsvLine[] = [];
  for (let i = 0; i < n; i++) {
    const sku = fields[`sku_${i}`] ?? '';
    const quantityText = fields[`qty_${i}`] ?? '';
    if (!sku && !quantityText) continue;
    if (fields[`line_${i}`] !== undefined && !quantityText) continue; // a cleared quantity drops the line
    lines.push({ line: Number(fields[`line_${i}`]) || i + 1, sku, quantityText });
  }
  return lines;
}

type PlaceOptions = {
  locations: { id: string; label: string; street: string; phone: string; isDefault: boolean }[];
  invoiceDays: number | null;
  stripe: boolean;
};

async function placeOptions(db: Db, org: Membership, stripe: boolean): Promise<PlaceOptions> {
  const [locations, row] = await Promise.all([
    db
      .select({ id: deliveryLocations.id, label: deliveryLocations.label, street: deliveryLocations.street, phone: deliveryLocations.phone, isDefault: deliveryLocations.isDefault })
      .from(deliveryLocations)
      .where(eq(deliveryLocations.organizationId, org.organizationId))
      .orderBy(asc(deliveryLocations.createdAt)),
    db
      .select({ kind: organization.kind, status: organization.status, paymentTermsDays: organization.paymentTermsDays, creditLimitFen: organization.creditLimitFen })
      .from(organization)
      .where(eq(organization.id, org.organizationId))
      .get(),
  ]);
  return { locations, invoiceDays: row && canUseInvoiceTerms(row) ? row.paymentTermsDays : null, stripe };
}

function orderFields(fields: Record<string, string>): BulkOrderFields {
  const delivery = fields.delivery ?? '';
  return {
    delivery: delivery.startsWith('loc:') ? { method: 'ship', deliveryLocationId: delivery.slice(4) } : delivery === 'pickup' ? { method: 'pickup', pickupOrganizationId: fields.org ?? '' } : undefined,
    contact: { name: fields.contactName ?? '', phone: fields.contactPhone ?? '' },
    paymentMethod: fields.paymentMethod === 'invoice' || fields.paymentMethod === 'stripe' ? fields.paymentMethod : undefined,
  };
}

// ----- views -----------------------------------------------------------------------------------------

/**
 * Problem rows tinted; on a phone each line is a small grid (line · SKU · name / quantity · price ·
 * total / status) instead of a table squeezed to 360 px.
 */
const PREVIEW_CSS = [
  '.bulk-report tr.problem td{background:#fdeeee}.bulk-report input{width:6em}.bulk-report .msg{font-size:.85rem;padding:2px 4px;margin-top:4px}',
  '@media (max-width:640px){.bulk-report thead{position:absolute;left:-9999px}.bulk-report,.bulk-report tbody{display:block}',
  '.bulk-report tr{display:grid;grid-template-columns:auto auto 1fr;grid-auto-flow:dense;gap:4px 10px;align-items:center;padding:8px 4px;border-bottom:1px solid var(--line)}',
  '.bulk-report tr.problem{background:#fdeeee}.bulk-report td{display:block;border:0;padding:0;background:none!important}.bulk-report td.c-status{grid-column:1/-1}',
  '.bulk-report td.c-line::before{content:"#"}.bulk-report td[data-label]::before{content:attr(data-label) " ";color:var(--muted);font-size:.8rem}}',
].join('');

/** The problem of a line in the reader's language, from the report's structured fields. */
function lineProblem(line: BulkLine, m: ProcurementStrings): string {
  switch (line.status) {
    case 'unknown_sku':
      return m.problemUnknownSku;
    case 'unavailable':
      return m.problemUnavailable;
    case 'invalid_quantity':
      return m.problemInvalidQuantity;
    case 'below_moq':
      return fill(m.problemBelowMoq, { n: line.minOrderQuantity ?? '' });
    case 'off_step':
      return fill(m.problemOffStep, { min: line.minOrderQuantity ?? '', step: line.orderStep ?? '' });
    case 'short_stock':
      return fill(m.available, { n: line.available ?? 0 });
    case 'duplicate':
      return fill(m.problemDuplicate, { n: line.duplicateOfLine ?? '' });
    default:
      return '';
  }
}

function LineRow({ line, i, m, locale }: { line: BulkLine; i: number; m: ProcurementStrings; locale: Locale }) {
  const problem = line.status !== 'ok';
  return (
    <tr class={problem ? 'problem' : undefined} data-line={line.line} data-status={line.status}>
      <td class="c-line">{line.line}</td>
      <td class="c-sku" style="overflow-wrap:anywhere">
        {line.sku || '—'}
        <input type="hidden" name={`sku_${i}`} value={line.sku} />
        <input type="hidden" name={`line_${i}`} value={String(line.line)} />
      </td>
      <td class="c-name">{line.nameZh ? localized({ nameZh: line.nameZh, nameEn: line.nameEn }, 'name', locale) : '—'}</td>
      <td class="c-qty">
        <input name={`qty_${i}`} value={line.quantityText} inputmode="numeric" aria-label={`${m.line} ${line.line} ${m.quantity}`} />
      </td>
      <td class="c-status">
        <span class={problem ? 'badge bad' : 'badge'}>{lineStatusLabel(locale, line.status)}</span>
        {problem ? (
          <div class="msg error">
            {lineProblem(line, m)}
            {line.suggestedQuantity !== null ? ` · ${fill(m.suggested, { n: line.suggestedQuantity })}` : ''}
          </div>
        ) : null}
      </td>
      <td class="c-price" data-label={m.unitPrice}>
        {line.unitPriceFen !== null ? formatFen(line.unitPriceFen) : '—'}
        {line.priceSource && line.priceSource !== 'list' ? <span class="badge"> {m[`source_${line.priceSource}`]}</span> : null}
      </td>
      <td class="c-total" data-label={m.lineTotal}>
        {line.status === 'ok' && line.lineTotalFen !== null ? formatFen(line.lineTotalFen) : '—'}
      </td>
    </tr>
  );
}

function Preview(props: { report: BulkReport; org: Membership; options: PlaceOptions; values: Record<string, string>; m: ProcurementStrings; locale: Locale; error?: AppError | null }) {
  const { report, org, options, values, m, locale } = props;
  const defaultLocation = options.locations.find((l) => l.isDefault) ?? options.locations[0];
  const delivery = values.delivery ?? (defaultLocation ? `loc:${defaultLocation.id}` : '');
  const payment = values.paymentMethod ?? (options.invoiceDays !== null ? 'invoice' : 'stripe');
  return (
    <form method="post" action="/procurement/bulk/preview" class="stack" id="bulk-preview">
      <style dangerouslySetInnerHTML={{ __html: PREVIEW_CSS }} />
      <input type="hidden" name="org" value={org.organizationId} />
      <input type="hidden" name="n" value={String(report.lines.length)} />
      <input type="hidden" name="idempotencyKey" value={crypto.randomUUID()} />
      <h2>{m.preview}</h2>
      {props.error ? (
        <div class="error" role="alert">
          <p style="margin:0">{props.error.message}</p>
          {props.error.errors?.length ? (
            <ul>
              {props.error.errors.map((e) => (
                <li>{e.message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <p role="status">{fill(m.okLines, { ok: report.okLines, bad: report.problemLines })}</p>
      {report.problemLines ? <p class="notice">{m.problemsSkipped}</p> : null}
      {report.okLines > 100 ? <p class="error">{m.tooManyProducts}</p> : null}
      <div class="table-wrap">
        <table class="bulk-report">
          <thead>
            <tr>
              <th scope="col">{m.line}</th>
              <th scope="col">{m.sku}</th>
              <th scope="col">{m.product}</th>
              <th scope="col">{m.quantity}</th>
              <th scope="col">{m.status}</th>
              <th scope="col">{m.unitPrice}</th>
              <th scope="col">{m.lineTotal}</th>
            </tr>
          </thead>
          <tbody>
            {report.lines.map((line, i) => (
              <LineRow line={line} i={i} m={m} locale={locale} />
            ))}
          </tbody>
        </table>
      </div>
      <dl class="facts">
        <dt>{m.subtotal}</dt>
        <dd>
          <Money fen={report.subtotalFen} />
        </dd>
        <dt>{m.shipping}</dt>
        <dd>
          <Money fen={report.shippingFen} />
        </dd>
        <dt>{m.total}</dt>
        <dd>
          <strong>
            <Money fen={report.totalFen} />
          </strong>
        </dd>
      </dl>
      <p>
        <button type="submit" class="secondary">
          {m.recheck}
        </button>
      </p>
      {report.placeable && (org.role === 'owner' || org.role === 'purchaser') ? (
        <fieldset class="card stack" style="min-width:0">
          <legend>{m.placeTitle}</legend>
          <label for="delivery">{m.deliverTo}</label>
          {options.locations.length ? null : (
            <p class="notice">
              {m.noLocations} <a href={`/organizations/${org.organizationId}#delivery-locations`}>{m.deliveryLocations}</a>
            </p>
          )}
          <select id="delivery" name="delivery" style="width:100%">
            {options.locations.map((l) => (
              <option value={`loc:${l.id}`} selected={delivery === `loc:${l.id}`}>
                {l.label} — {l.street}
              </option>
            ))}
            {org.status === 'verified' ? (
              <option value="pickup" selected={delivery === 'pickup'}>
                {m.pickupOwn}
              </option>
            ) : null}
          </select>
          <label for="contactName">{m.contactName}</label>
          <input id="contactName" name="contactName" value={values.contactName ?? ''} maxlength={50} autocomplete="name" />
          <label for="contactPhone">{m.contactPhone}</label>
          <input id="contactPhone" name="contactPhone" value={values.contactPhone ?? defaultLocation?.phone ?? ''} type="tel" inputmode="tel" maxlength={20} />
          <div role="radiogroup" aria-label={m.payment}>
            <p style="margin:4px 0" class="muted">
              {m.payment}
            </p>
            {options.invoiceDays !== null ? (
              <label>
                <input type="radio" name="paymentMethod" value="invoice" checked={payment === 'invoice'} /> {fill(m.payInvoice, { n: options.invoiceDays })}
              </label>
            ) : null}
            {options.stripe ? (
              <label>
                <input type="radio" name="paymentMethod" value="stripe" checked={payment === 'stripe'} /> {m.payOnline}
              </label>
            ) : null}
          </div>
          <p>
            <button type="submit" formaction="/procurement/bulk/place">
              {m.placeOrder} · {formatFen(report.totalFen)}
            </button>
          </p>
        </fieldset>
      ) : null}
    </form>
  );
}

function UploadForm({ org, m, csv }: { org: Membership; m: ProcurementStrings; csv?: string }) {
  return (
    <form method="post" action="/procurement/bulk/preview" enctype="multipart/form-data" class="card stack">
      <input type="hidden" name="org" value={org.organizationId} />
      <p>{m.bulkIntro}</p>
      <label for="csv">{m.csvText}</label>
      <textarea id="csv" name="csv" rows={8} style="width:100%;font-family:monospace" placeholder={'sku,quantity\nJD-MUS-001,20'}>
        {csv ?? ''}
      </textarea>
      <label for="file">{m.csvFile}</label>
      <input id="file" name="file" type="file" accept=".csv,text/csv" />
      <p>
        <button type="submit">{m.check}</button>
      </p>
    </form>
  );
}

async function renderPreview(c: Context<AppEnv>, org: Membership, lines: BulkCsvLine[], values: Record<string, string>, error?: AppError | null, status: 200 | 400 | 403 | 409 | 422 = 200) {
  const m = t(c.var.locale);
  const [{ report }, options] = await Promise.all([
    previewBulk(c.var.db, { organizationId: org.organizationId, lines, deliveryMethod: values.delivery === 'pickup' ? 'pickup' : 'ship' }),
    placeOptions(c.var.db, org, getStripe(c.env) !== null),
  ]);
  return renderPage(
    c,
    m.bulk,
    <OrgPage m={m} org={org} current="/procurement/bulk" title={m.bulk}>
      <Preview report={report} org={org} options={options} values={{ contactName: c.var.actor?.name ?? '', ...values }} m={m} locale={c.var.locale} error={error} />
    </OrgPage>,
    status,
  );
}

function renderUpload(c: Context<AppEnv>, org: Membership, error?: AppError, csv?: string) {
  const m = t(c.var.locale);
  return renderPage(
    c,
    m.bulk,
    <OrgPage m={m} org={org} current="/procurement/bulk" title={m.bulk}>
      {error ? (
        <p class="error" role="alert">
          {error.message}
        </p>
      ) : null}
      <UploadForm org={org} m={m} csv={csv} />
    </OrgPage>,
    error ? 400 : 200,
  );
}

// ----- routes ----------------------------------------------------------------------------------------

bulkPages.get('/procurement/bulk', (c) => orgPage(c, (org) => renderUpload(c, org)));

bulkPages.post('/procurement/bulk/preview', async (c) => {
  const body = await c.req.parseBody();
  const fields = stringFields(body);
  return orgPage(
    c,
    async (org) => {
      if (fields.n !== undefined) return renderPreview(c, org, linesFromForm(fields), fields);
      const file = body.file;
      const text = file instanceof File && file.size > 0 ? decodeUtf8(await file.arrayBuffer()) : typeof body.csv === 'string' ? body.csv : '';
      let lines: BulkCsvLine[];
      try {
        lines = parseBulkCsv(text);
      } catch (error) {
        if (error instanceof AppError) return renderUpload(c, org, error, typeof body.csv === 'string' ? body.csv : undefined);
        throw error;
      }
      return renderPreview(c, org, lines, {});
    },
    fields.org,
  );
});

bulkPages.post('/procurement/bulk/place', async (c) => {
  const fields = stringFields(await c.req.parseBody());
  return orgPage(
    c,
    async (org) => {
      const lines = linesFromForm(fields);
      const orderFieldsOf = orderFields(fields);
      try {
        const placed = await placeBulk(
          { db: c.var.db, env: c.env, actor: c.var.actor! },
          {
            organizationId: org.organizationId,
            lines,
            fields: orderFieldsOf,
            idempotencyKey: fields.idempotencyKey || undefined,
            request: { page: 'bulk', organizationId: org.organizationId, lines, ...orderFieldsOf },
          },
        );
        if (placed.approval) return c.redirect(`/procurement/approvals?org=${encodeURIComponent(org.organizationId)}&requested=${placed.approval.id}`, 303);
        if (placed.order?.payment?.checkoutUrl) return c.redirect(placed.order.payment.checkoutUrl, 303);
        return c.redirect(`/orders/${placed.order!.id}?placed=1`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500 || error.code === 'not_found' || error.code === 'unauthenticated') throw error;
        const status = error.status === 403 || error.status === 409 || error.status === 422 ? error.status : 400;
        return renderPreview(c, org, lines, fields, error, status);
      }
    },
    fields.org,
  );
});

bulkPages.get('/procurement/quick', (c) =>
  orgPage(c, async (org) => {
    const m = t(c.var.locale);
    const from = c.req.query('from');
    let rows: { sku: string; quantity: string }[] = [];
    if (from) {
      // Order again: the past order's lines, priced afresh when checked.
      const bundle = requireOrderActor(c.var.actor, await loadOrder(c.var.db, from));
      if (bundle.order.organizationId !== org.organizationId) throw new AppError('not_found', 'Order not found');
      rows = bundle.lines.map((l) => ({ sku: l.sku, quantity: String(l.quantity) }));
    }
    const count = Math.min(100, Math.max(rows.length + 5, Number(c.req.query('rows')) || 10));
    const q = `org=${encodeURIComponent(org.organizationId)}`;
    return renderPage(
      c,
      m.quick,
      <OrgPage m={m} org={org} current="/procurement/quick" title={m.quick}>
        {from ? <p class="notice">{fill(m.reorderFrom, { id: from })}</p> : null}
        <form method="post" action="/procurement/bulk/preview" class="card stack">
          <input type="hidden" name="org" value={org.organizationId} />
          <input type="hidden" name="n" value={String(count)} />
          <p>{m.quickIntro}</p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{m.sku}</th>
                  <th scope="col">{m.quantity}</th>
                </tr>
              </thead>
              <tbody>
                {Array.from({ length: count }, (_, i) => (
                  <tr>
                    <td>{i + 1}</td>
                    <td>
                      <input name={`sku_${i}`} value={rows[i]?.sku ?? ''} aria-label={`${i + 1} ${m.sku}`} autocapitalize="characters" style="width:100%" />
                    </td>
                    <td>
                      <input name={`qty_${i}`} value={rows[i]?.quantity ?? ''} inputmode="numeric" aria-label={`${i + 1} ${m.quantity}`} style="width:6em" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="row">
            <button type="submit">{m.check}</button>
            <a href={`/procurement/quick?${q}&rows=${count + 10}${from ? `&from=${encodeURIComponent(from)}` : ''}`}>{m.addRows}</a>
          </p>
        </form>
      </OrgPage>,
    );
  }),
);

/** "Order again": the past order's products into the cart, at orderable quantities and today's prices. */
bulkPages.post('/orders/:id/reorder', async (c) => {
  const form = stringFields(await c.req.parseBody());
  const bundle = requireOrderActor(c.var.actor, await loadOrder(c.var.db, c.req.param('id')), form.token || undefined);
  const { cartId, created } = await ensureCart(c.var.db, cartOwner(c));
  if (created) rememberGuestCart(c, cartId);
  for (const line of bundle.lines) await addToCart(c.var.db, cartId, line.productId, line.quantity);
  return c.redirect('/cart?added=1', 303);
});
