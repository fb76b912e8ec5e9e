import { Hono, type Context } from 'hono';
import { parseWith, renderPage } from '../accounts';
import { requireAdmin } from '../accounts';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { localized } from '../lib/i18n';
import { formatFen, parseYuanToFen } from '../lib/money';
import { startOfShanghaiDay } from '../lib/time';
import { AdminNav } from '../views/admin-nav';
import { shanghaiDate, stringFields } from './pages.support';
import { buyerOrganizations, createPriceListEntry, deletePriceListEntry, listPriceListEntries, updatePriceListEntry } from './price-lists.service';
import { t } from './procurement.i18n';
import { createPriceListEntrySchema, updatePriceListEntrySchema } from './procurement.schemas';
import { NextPage } from '../views/next-page';

/** Admin: negotiated prices per buyer organisation and product (create, change, remove; all audited). */
export const priceListPages = new Hono<AppEnv>();

const fenToYuan = (fen: number) => (fen / 100).toFixed(2);

/** A date field (Shanghai calendar day) as the instant it starts; '' → null. */
function dayField(value: string | undefined, field: string): number | null {
  if (!value) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new AppError('validation_failed', `Invalid body.${field}`, { errors: [{ path: `body.${field}`, message: 'A date, YYYY-MM-DD' }] });
  }
  return startOfShanghaiDay(value);
}

function priceField(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const fen = parseYuanToFen(value);
  if (fen === null) throw new AppError('validation_failed', 'Invalid body.unitPriceFen', { errors: [{ path: 'body.unitPriceFen', message: 'An amount in yuan, e.g. 45.80' }] });
  return fen;
}

async function renderPriceLists(c: Context<AppEnv>, notice?: { kind: 'notice' | 'error'; text: string }, status: 200 | 400 | 404 | 409 | 422 = 200) {
  requireAdmin(c);
  const locale = c.var.locale;
  const m = t(locale);
  const organizationId = c.req.query('organizationId') || undefined;
  const [orgs, page] = await Promise.all([buyerOrganizations(c.var.db), listPriceListEntries(c.var.db, { organizationId, limit: 50, cursor: c.req.query('cursor') })]);
  const today = shanghaiDate(Date.now());
  return renderPage(
    c,
    m.priceLists,
    <section class="stack">
      <AdminNav locale={locale} current="/admin/price-lists" />
      <h1>{m.priceLists}</h1>
      <p class="muted">{m.priceListsIntro}</p>
      {notice ? (
        <p class={notice.kind} role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.text}
        </p>
      ) : null}
      <form method="get" action="/admin/price-lists" class="inline">
        <div>
          <label for="filter-org">{m.organization}</label>
          <select id="filter-org" name="organizationId">
            <option value="">{m.allOrgs}</option>
            {orgs.map((o) => (
              <option value={o.id} selected={o.id === organizationId}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          {m.filter}
        </button>
      </form>

      <form method="post" action="/admin/price-lists" class="card stack">
        <h2 style="margin-top:0">{m.newPrice}</h2>
        <label for="new-org">{m.organization}</label>
        <select id="new-org" name="organizationId" required>
          {orgs.map((o) => (
            <option value={o.id} selected={o.id === organizationId}>
              {o.name}
            </option>
          ))}
        </select>
        <label for="new-sku">{m.sku}</label>
        <input id="new-sku" name="sku" required maxlength={64} autocapitalize="characters" />
        <label for="new-price">{m.priceYuan}</label>
        <input id="new-price" name="priceYuan" required inputmode="decimal" />
        <label for="new-from">{m.validFrom}</label>
        <input id="new-from" name="validFrom" type="date" required value={today} />
        <label for="new-to">{m.validTo}</label>
        <input id="new-to" name="validTo" type="date" />
        <p>
          <button type="submit">{m.create}</button>
        </p>
      </form>

      {page.items.length === 0 ? <p class="muted">{m.noPrices}</p> : null}
      {page.items.map((e) => (
        <section class="card stack" data-entry-id={e.id}>
          <h2 style="margin:0;font-size:1rem">
            {e.organizationName} · {localized({ nameZh: e.productNameZh, nameEn: e.productNameEn }, 'name', locale)} ({e.sku})
          </h2>
          <p class="muted" style="margin:0">
            {m.listPrice} {formatFen(e.listUnitPriceFen)} → <strong class="price">{formatFen(e.unitPriceFen)}</strong> · {m.validity} {shanghaiDate(e.validFrom)} – {e.validTo === null ? m.openEnded : shanghaiDate(e.validTo)}
          </p>
          <div class="row">
            <form method="post" action={`/admin/price-lists/${e.id}`} class="inline">
              <div>
                <label for={`p-${e.id}`}>{m.priceYuan}</label>
                <input id={`p-${e.id}`} name="priceYuan" value={fenToYuan(e.unitPriceFen)} inputmode="decimal" style="width:7em" />
              </div>
              <div>
                <label for={`f-${e.id}`}>{m.validFrom}</label>
                <input id={`f-${e.id}`} name="validFrom" type="date" value={shanghaiDate(e.validFrom)} />
              </div>
              <div>
                <label for={`t-${e.id}`}>{m.validTo}</label>
                <input id={`t-${e.id}`} name="validTo" type="date" value={e.validTo === null ? '' : shanghaiDate(e.validTo)} />
              </div>
              <button type="submit" class="secondary">
                {m.save}
              </button>
            </form>
            <form method="post" action={`/admin/price-lists/${e.id}/delete`}>
              <button type="submit" class="danger">
                {m.remove}
              </button>
            </form>
          </div>
        </section>
      ))}
      <NextPage href={page.nextCursor ? `/admin/price-lists?${organizationId ? `organizationId=${encodeURIComponent(organizationId)}&` : ''}cursor=${page.nextCursor}` : null}>{m.more}</NextPage>
    </section>,
    status,
  );
}

/** Runs an admin change and re-renders the list with the outcome (a refusal shown in place). */
async function change(c: Context<AppEnv>, apply: () => Promise<unknown>, done: string) {
  try {
    await apply();
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500 || error.status === 401 || error.status === 403) throw error;
    const text = error.errors?.length ? error.errors.map((e) => `${e.path.replace(/^body\./, '')}: ${e.message}`).join('; ') : error.message;
    const status = error.status === 404 || error.status === 409 || error.status === 422 ? error.status : 400;
    return renderPriceLists(c, { kind: 'error', text }, status);
  }
  return renderPriceLists(c, { kind: 'notice', text: done });
}

priceListPages.get('/admin/price-lists', (c) => renderPriceLists(c));

priceListPages.post('/admin/price-lists', async (c) => {
  const actor = requireAdmin(c);
  const f = stringFields(await c.req.parseBody());
  return change(
    c,
    async () => {
      const input = parseWith(createPriceListEntrySchema, {
        organizationId: f.organizationId,
        sku: f.sku,
        unitPriceFen: priceField(f.priceYuan),
        validFrom: dayField(f.validFrom, 'validFrom'),
        validTo: dayField(f.validTo, 'validTo'),
      });
      return createPriceListEntry(c.var.db, actor, input);
    },
    t(c.var.locale).saved,
  );
});

priceListPages.post('/admin/price-lists/:id', async (c) => {
  const actor = requireAdmin(c);
  const f = stringFields(await c.req.parseBody());
  return change(
    c,
    async () => {
      const patch = parseWith(updatePriceListEntrySchema, {
        unitPriceFen: priceField(f.priceYuan),
        ...(f.validFrom ? { validFrom: dayField(f.validFrom, 'validFrom') } : {}),
        validTo: dayField(f.validTo, 'validTo'),
      });
      return updatePriceListEntry(c.var.db, actor, c.req.param('id'), patch);
    },
    t(c.var.locale).saved,
  );
});

priceListPages.post('/admin/price-lists/:id/delete', async (c) => {
  const actor = requireAdmin(c);
  return change(c, () => deletePriceListEntry(c.var.db, actor, c.req.param('id')), t(c.var.locale).removed);
});
