import { Hono, type Context } from 'hono';
import { listLocations, renderPage } from '../accounts';
import { CoopChooser, page, PortalPage, portalContext, signInRedirect } from '../views/portal';
import type { AppEnv, Membership } from '../env';
import { AppError, type FieldError } from '../lib/errors';
import { parseForm } from '../lib/form-errors';
import { localized } from '../lib/i18n';
import { shanghaiDay } from '../lib/time';
import { OrgPage, orgPage } from './pages.support';
import { t } from './procurement.i18n';
import { standingDemand } from './standing-demand';
import { ruleText, st, type StandingStrings } from './standing-orders.i18n';
import { createStandingOrderSchema } from './standing-orders.schemas';
import * as service from './standing-orders.service';
import { FORM_LINES, HandledDays, StandingForm, StandingSummary, StatusActions, UpcomingDays, type FormValues } from './standing-orders.views';

/**
 * Standing-order pages: the list, the form, one standing order with its coming days (skip, restore) and
 * the days that wait for the buyer (retry, order at the new price, dismiss); and, for cooperative staff,
 * the quantities due. Every action is a plain form POST answered by a redirect (303) or the page again
 * with the refusal worded by its rule.
 */
export const standingOrderPages = new Hono<AppEnv>();

const LIST = '/procurement/standing-orders';
const detailPath = (org: Membership, id: string) => `${LIST}/${id}?org=${encodeURIComponent(org.organizationId)}`;

function requirePurchasing(org: Membership): void {
  if (org.role !== 'owner' && org.role !== 'purchaser') throw new AppError('forbidden', `Your role (${org.role}) may not change standing orders`);
}

/** Problems worded by rule in the page's language (zod's own messages are already localised). */
function worded(m: StandingStrings, errors: FieldError[]): string[] {
  return errors.map((e) => ruleText(m, e.rule, e.message));
}

async function renderList(c: Context<AppEnv>, org: Membership) {
  const m = st(c.var.locale);
  const { items } = await service.listStandingOrders({ db: c.var.db, env: c.env }, org.organizationId, { limit: 50 });
  return renderPage(
    c,
    m.standingOrders,
    <OrgPage m={t(c.var.locale)} org={org} current={LIST} title={m.standingOrders}>
      <p class="muted">{m.intro}</p>
      {org.role === 'owner' || org.role === 'purchaser' ? (
        <p>
          <a class="button" href={`${LIST}/new?org=${encodeURIComponent(org.organizationId)}`}>
            {m.create}
          </a>
        </p>
      ) : null}
      {items.length === 0 ? <p class="muted">{m.none}</p> : null}
      {items.map((s) => (
        <section class="card stack">
          <StandingSummary m={m} locale={c.var.locale} s={s} href={detailPath(org, s.id)} />
        </section>
      ))}
    </OrgPage>,
  );
}

async function renderForm(c: Context<AppEnv>, org: Membership, values: FormValues, errors: string[], status: 200 | 400 | 422 = 200) {
  requirePurchasing(org);
  const m = st(c.var.locale);
  const locations = (await listLocations(c.var.db, org.organizationId, { limit: 50 })).items;
  const filled = Object.keys(values).length ? values : { contactName: c.var.actor?.name ?? '' };
  return renderPage(
    c,
    m.create,
    <OrgPage m={t(c.var.locale)} org={org} current={LIST} title={m.create}>
      <StandingForm m={m} locale={c.var.locale} org={org} values={filled} locations={locations} errors={errors} today={shanghaiDay(Date.now())} />
    </OrgPage>,
    status,
  );
}

async function renderDetail(c: Context<AppEnv>, org: Membership, id: string, notice?: { error?: string; done?: boolean }, status: 200 | 404 | 409 | 422 = 200) {
  const m = st(c.var.locale);
  const s = await service.getStandingOrder({ db: c.var.db, env: c.env }, org.organizationId, id);
  const base = `${LIST}/${s.id}`;
  return renderPage(
    c,
    s.title,
    <OrgPage m={t(c.var.locale)} org={org} current={LIST} title={s.title}>
      {notice?.error ? (
        <p class="error" role="alert">
          {notice.error}
        </p>
      ) : null}
      {notice?.done || c.req.query('done') ? (
        <p class="notice" role="status">
          {c.req.query('done') === 'created' ? m.created : m.done}
        </p>
      ) : null}
      <section class="card stack">
        <StandingSummary m={m} locale={c.var.locale} s={s} />
        <StatusActions m={m} s={s} org={org} base={base} />
      </section>
      <h2>{m.upcoming}</h2>
      <UpcomingDays m={m} locale={c.var.locale} s={s} org={org} base={base} />
      <HandledDays m={m} s={s} org={org} base={base} />
    </OrgPage>,
    status,
  );
}

/** The form's fields as the API's request body (SKUs looked up); unknown SKUs are refusals of their own. */
async function formToRequest(c: Context<AppEnv>, fields: FormValues): Promise<{ body: unknown; unknown: FieldError[] }> {
  const one = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string).trim() : '');
  const lines = Array.from({ length: FORM_LINES }, (_, i) => ({ sku: one(`sku${i}`), quantity: one(`qty${i}`) })).filter((l) => l.sku);
  const ids = await service.productIdsBySku(c.var.db, lines.map((l) => l.sku));
  const unknown: FieldError[] = lines.filter((l) => !ids.has(l.sku)).map((l) => ({ path: 'items', message: l.sku, rule: 'unknown_sku' }));
  const cadence = one('cadence') === 'monthly' ? 'monthly' : 'weekly';
  const body = {
    title: one('title'),
    items: lines.filter((l) => ids.has(l.sku)).map((l) => ({ productId: ids.get(l.sku)!, quantity: Number(l.quantity) })),
    schedule: cadence === 'weekly' ? { cadence, weekdays: [fields.weekday ?? []].flat().map(Number) } : { cadence, monthDay: Number(one('monthDay')) },
    startDate: one('startDate'),
    endDate: one('endDate') || null,
    delivery: { method: 'ship', deliveryLocationId: one('deliveryLocationId') },
    contact: { name: one('contactName'), phone: one('contactPhone') },
    paymentMethod: one('paymentMethod') || 'invoice',
    priceTolerancePercent: Number(one('tolerance') || '0'),
  };
  return { body, unknown };
}

standingOrderPages.get(LIST, (c) => orgPage(c, (org) => renderList(c, org)));
standingOrderPages.get(`${LIST}/new`, (c) => orgPage(c, (org) => renderForm(c, org, {}, [])));

standingOrderPages.post(LIST, async (c) => {
  const fields = (await c.req.parseBody({ all: true })) as FormValues;
  const m = st(c.var.locale);
  return orgPage(
    c,
    async (org) => {
      requirePurchasing(org);
      const { body, unknown } = await formToRequest(c, fields);
      if (unknown.length) return renderForm(c, org, fields, unknown.map((e) => `${e.message}: ${ruleText(m, e.rule, e.message)}`), 422);
      const parsed = parseForm(createStandingOrderSchema, body, c.var.locale);
      if (!parsed.success) return renderForm(c, org, fields, parsed.issues.map((i) => `${i.path}: ${i.message}`), 400);
      try {
        const created = await service.createStandingOrder({ db: c.var.db, env: c.env }, c.var.actor!, org.organizationId, parsed.data);
        return c.redirect(`${detailPath(org, created.id)}&done=created`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500 || error.status === 401) throw error;
        return renderForm(c, org, fields, error.errors?.length ? worded(m, error.errors) : [error.message], 422);
      }
    },
    typeof fields.org === 'string' ? fields.org : undefined,
  );
});

const ACTIONS = ['pause', 'resume', 'end', 'skip', 'unskip', 'retry', 'accept', 'dismiss'] as const;
type Action = (typeof ACTIONS)[number];

function runAction(c: Context<AppEnv>, org: Membership, id: string, action: Action, day: string) {
  const ctx = { db: c.var.db, env: c.env };
  const actor = c.var.actor!;
  switch (action) {
    case 'pause':
    case 'resume':
    case 'end':
      return service.changeStandingOrderStatus(ctx, actor, org.organizationId, id, action);
    case 'skip':
      return service.skipOccurrence(ctx, actor, org.organizationId, id, day);
    case 'unskip':
      return service.unskipOccurrence(ctx, actor, org.organizationId, id, day);
    case 'retry':
    case 'accept':
      return service.retryOccurrence(ctx, actor, org.organizationId, id, day, { acceptPriceChange: action === 'accept' });
    case 'dismiss':
      return service.dismissOccurrence(ctx, actor, org.organizationId, id, day);
  }
}

standingOrderPages.post(`${LIST}/:id/:action`, async (c) => {
  const fields = (await c.req.parseBody()) as Record<string, string>;
  const action = c.req.param('action') as Action;
  if (!ACTIONS.includes(action)) throw new AppError('not_found', 'No such action');
  return orgPage(
    c,
    async (org) => {
      requirePurchasing(org);
      const id = c.req.param('id');
      try {
        await runAction(c, org, id, action, String(fields.date ?? ''));
        return c.redirect(`${detailPath(org, id)}&done=${action}`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500 || error.status === 401 || error.status === 403 || error.status === 404) throw error;
        const m = st(c.var.locale);
        const text = error.errors?.length ? worded(m, error.errors).join(' ') : ruleText(m, error.code, error.message);
        return renderDetail(c, org, id, { error: text }, error.status === 409 ? 409 : 422);
      }
    },
    fields.org,
  );
});

standingOrderPages.get(`${LIST}/:id`, (c) => orgPage(c, (org) => renderDetail(c, org, c.req.param('id'))));

// ----- cooperative staff: quantities due -----

standingOrderPages.get(
  '/portal/standing-demand',
  page(async (c) => {
    const ctx = portalContext(c);
    if (!ctx) return signInRedirect(c);
    if (!ctx.coop) return c.html(<CoopChooser c={c} ctx={ctx} target="/portal/standing-demand" />);
    const m = st(ctx.locale);
    const demand = await standingDemand(c.var.db, ctx.coop.organizationId, { days: 28 });
    return c.html(
      <PortalPage c={c} ctx={ctx} title={m.demandTitle} current="/portal/standing-demand">
        <p class="muted">{m.demandIntro}</p>
        {demand.items.length === 0 ? <p class="muted">{m.noDemand}</p> : null}
        {demand.totals.length ? (
          <table>
            <caption>{m.total}</caption>
            <tbody>
              {demand.totals.map((row) => (
                <tr>
                  <td>{localized(row, 'name', ctx.locale)} ({row.sku})</td>
                  <td>{row.quantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {demand.items.length ? (
          <table>
            <thead>
              <tr>
                <th>{m.date}</th>
                <th>{m.product}</th>
                <th>{m.quantity}</th>
              </tr>
            </thead>
            <tbody>
              {demand.items.map((row) => (
                <tr data-date={row.date}>
                  <td>{row.date}</td>
                  <td>{localized(row, 'name', ctx.locale)} ({row.sku})</td>
                  <td>{row.quantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </PortalPage>,
    );
  }),
);
