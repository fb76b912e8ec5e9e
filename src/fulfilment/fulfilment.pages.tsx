import { Hono, type Context } from 'hono';
import { requireCooperativeStaff } from '../accounts';
import {
  CoopChooser,
  currentPath,
  errorMessage,
  field,
  formOf,
  page,
  PortalPage,
  portalContext,
  signInRedirect,
  shanghaiTime,
  withCoop,
  type PortalContext,
} from '../views/portal';
import { DELIVERY_METHODS, SHIPMENT_STATUSES } from '../db/schema';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { localized, messages, type Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { Layout } from '../views/layout';
import { instantSchema } from '../lib/period';
import { shipBodySchema } from './shipments.routes';
import * as service from './shipments.service';
import { NextPage } from '../views/next-page';

const t = messages({
  zh: {
    title: '发货管理', status: '状态', method: '配送方式', from: '起始日期', to: '截止日期', filter: '筛选', all: '全部',
    pending: '待接单', accepted: '已接单', shipped: '已发货', delivered: '已送达', cancelled: '已取消', ship: '快递配送', pickup: '到自提点',
    accept: '接单', doShip: '发货', deliver: '确认送达', carrier: '承运商', tracking: '运单号', packingSlip: '装箱单', none: '没有符合条件的发货单。',
    order: '订单', groupBuy: '团购', shipTo: '收货地址', pickupAt: '自提点', total: '金额', created: '下单时间', next: '下一页',
    slipTitle: '装箱单', sku: '货号', product: '商品', qty: '数量', checked: '已核对', print: '打印', packedBy: '装箱人', date: '日期', from_: '发货方',
    done: '已更新', collector: '提货人',
  },
  en: {
    title: 'Shipments', status: 'Status', method: 'Delivery', from: 'From', to: 'To', filter: 'Filter', all: 'All',
    pending: 'To accept', accepted: 'Accepted', shipped: 'Shipped', delivered: 'Delivered', cancelled: 'Cancelled', ship: 'Ship to address', pickup: 'To pickup point',
    accept: 'Accept', doShip: 'Ship', deliver: 'Mark delivered', carrier: 'Carrier', tracking: 'Tracking number', packingSlip: 'Packing slip', none: 'No shipments match.',
    order: 'Order', groupBuy: 'Group buy', shipTo: 'Ship to', pickupAt: 'Pickup point', total: 'Amount', created: 'Ordered', next: 'Next page',
    slipTitle: 'Packing slip', sku: 'SKU', product: 'Product', qty: 'Qty', checked: 'Checked', print: 'Print', packedBy: 'Packed by', date: 'Date', from_: 'From',
    done: 'Updated', collector: 'Collected by',
  },
});

const CARRIERS = ['顺丰速运', '京东物流', '中国邮政 EMS', '中通快递', '圆通速递', '韵达快递', '申通快递', '德邦快递'];

type ShipmentView = ReturnType<typeof service.shipmentView>;
type Pickups = Awaited<ReturnType<typeof service.pickupNames>>;

function Destination({ s, pickups, locale }: { s: ShipmentView; pickups: Pickups; locale: Locale }) {
  const m = t(locale);
  if (s.deliveryMethod === 'pickup') {
    const point = s.pickupOrganizationId ? pickups.get(s.pickupOrganizationId) : undefined;
    return (
      <p>
        <strong>{m.pickupAt}:</strong> {point ? (locale === 'en' ? point.nameEn || point.name : point.name) : s.pickupOrganizationId}
        {point?.pickupAddress ? <> — {point.pickupAddress}</> : null}
      </p>
    );
  }
  return (
    <p>
      <strong>{m.shipTo}:</strong> {s.recipient} {s.recipientPhone} — {s.shipStreet}
    </p>
  );
}

function reference(s: ShipmentView, locale: Locale) {
  const m = t(locale);
  return s.orderId ? `${m.order} ${s.orderId}` : `${m.groupBuy} ${s.groupBuyId}`;
}

function ShipmentCard({ s, ctx, pickups }: { s: ShipmentView; ctx: PortalContext; pickups: Pickups }) {
  const m = t(ctx.locale);
  const action = (name: string) => withCoop(`/portal/shipments/${s.id}/${name}`, ctx.coop);
  return (
    <article class="card shipment" id={s.id} data-status={s.status}>
      <p class="row">
        <span class={s.status === 'delivered' ? 'badge' : s.status === 'cancelled' ? 'badge bad' : 'badge warn'}>{m[s.status]}</span>
        <span class="muted">{reference(s, ctx.locale)}</span>
        <span class="muted">
          {m.created} {shanghaiTime(s.createdAt)}
        </span>
      </p>
      <ul>
        {s.items.map((i) => (
          <li>
            {localized(i, 'name', ctx.locale)} × <strong>{i.quantity}</strong> <small class="muted">{i.sku}</small>
          </li>
        ))}
      </ul>
      <Destination s={s} pickups={pickups} locale={ctx.locale} />
      <p>
        {m.total}: <span class="price">{formatFen(s.totalFen)}</span>
      </p>
      {s.trackingNumber ? (
        <p>
          {m.carrier}: {s.carrier} · {m.tracking}: <strong class="tracking">{s.trackingNumber}</strong>
        </p>
      ) : null}
      <div class="row no-print">
        {s.status === 'pending' ? (
          <form method="post" action={action('accept')}>
            <button type="submit" name="action" value="accept">
              {m.accept}
            </button>
          </form>
        ) : null}
        {s.status === 'accepted' ? (
          <form method="post" action={action('ship')} class="inline ship-form">
            <p>
              <label for={`carrier-${s.id}`}>{m.carrier}</label>
              <input id={`carrier-${s.id}`} name="carrier" list="carriers" required maxlength={40} />
            </p>
            <p>
              <label for={`tracking-${s.id}`}>{m.tracking}</label>
              <input id={`tracking-${s.id}`} name="trackingNumber" required pattern="[A-Za-z0-9\-]{4,40}" autocomplete="off" />
            </p>
            <button type="submit" name="action" value="ship">
              {m.doShip}
            </button>
          </form>
        ) : null}
        {s.status === 'shipped' ? (
          <form method="post" action={action('deliver')}>
            <button type="submit" name="action" value="deliver">
              {m.deliver}
            </button>
          </form>
        ) : null}
        <a class="button secondary" href={withCoop(`/portal/shipments/${s.id}/packing-slip`, ctx.coop)}>
          {m.packingSlip}
        </a>
      </div>
    </article>
  );
}

function Filters({ ctx, query }: { ctx: PortalContext; query: Record<string, string> }) {
  const m = t(ctx.locale);
  return (
    <form method="get" action="/portal/shipments" class="inline card no-print">
      {ctx.coop ? <input type="hidden" name="coop" value={ctx.coop.organizationId} /> : null}
      <p>
        <label for="f-status">{m.status}</label>
        <select id="f-status" name="status">
          <option value="">{m.all}</option>
          {SHIPMENT_STATUSES.map((s) => (
            <option value={s} selected={query.status === s}>
              {m[s]}
            </option>
          ))}
        </select>
      </p>
      <p>
        <label for="f-method">{m.method}</label>
        <select id="f-method" name="deliveryMethod">
          <option value="">{m.all}</option>
          {DELIVERY_METHODS.map((d) => (
            <option value={d} selected={query.deliveryMethod === d}>
              {m[d]}
            </option>
          ))}
        </select>
      </p>
      <p>
        <label for="f-from">{m.from}</label>
        <input id="f-from" type="date" name="from" value={query.from ?? ''} />
      </p>
      <p>
        <label for="f-to">{m.to}</label>
        <input id="f-to" type="date" name="to" value={query.to ?? ''} />
      </p>
      <button type="submit">{m.filter}</button>
    </form>
  );
}

async function renderList(c: Context<AppEnv>, ctx: PortalContext, options: { error?: string; status?: number } = {}) {
  const m = t(ctx.locale);
  const query = c.req.query();
  const optional = <T,>(value: string | undefined, parse: (v: string) => T | undefined) => (value ? parse(value) : undefined);
  const status = SHIPMENT_STATUSES.find((s) => s === query.status);
  const deliveryMethod = DELIVERY_METHODS.find((d) => d === query.deliveryMethod);
  const from = optional(query.from, (v) => instantSchema('start').safeParse(v).data);
  const to = optional(query.to, (v) => instantSchema('end').safeParse(v).data);
  const list = await service.listShipments(c.var.db, ctx.coop!.organizationId, { status, deliveryMethod, from, to, limit: 30, cursor: query.cursor || undefined });
  const pickups = await service.pickupNames(c.var.db, list.items.map((s) => s.pickupOrganizationId ?? ''));
  const nextUrl = new URL(currentPath(c), 'http://x');
  if (list.nextCursor) nextUrl.searchParams.set('cursor', list.nextCursor);
  return c.html(
    <PortalPage c={c} ctx={ctx} title={m.title} current="/portal/shipments" error={options.error} flash={query.done ? m.done : null}>
      <Filters ctx={ctx} query={query} />
      <datalist id="carriers">
        {CARRIERS.map((name) => (
          <option value={name} />
        ))}
      </datalist>
      {list.items.length === 0 ? <p class="muted">{m.none}</p> : list.items.map((s) => <ShipmentCard s={s} ctx={ctx} pickups={pickups} />)}
      <NextPage href={list.nextCursor ? `${nextUrl.pathname}${nextUrl.search}` : null}>{m.next} →</NextPage>
    </PortalPage>,
    (options.status ?? 200) as 200,
  );
}

/** The released shipment and the portal context of its cooperative (404 for anyone else's). */
async function shipmentPortal(c: Context<AppEnv>): Promise<{ response: Response } | { ctx: PortalContext; shipment: service.ShipmentRow }> {
  const ctx = portalContext(c);
  if (!ctx) return { response: signInRedirect(c) };
  const shipment = await service.getReleasedShipment(c.var.db, c.req.param('id') ?? '');
  requireCooperativeStaff(c, shipment.cooperativeId);
  const coop = ctx.coops.find((m) => m.organizationId === shipment.cooperativeId);
  if (!coop) throw new AppError('not_found', `Shipment ${shipment.id} not found`);
  return { ctx: { ...ctx, coop }, shipment };
}

export const fulfilmentPages = new Hono<AppEnv>();

fulfilmentPages.get(
  '/portal/shipments',
  page((c) => {
    const ctx = portalContext(c);
    if (!ctx) return signInRedirect(c);
    if (!ctx.coop) return c.html(<CoopChooser c={c} ctx={ctx} target="/portal/shipments" />);
    requireCooperativeStaff(c, ctx.coop.organizationId);
    return renderList(c, ctx);
  }),
);

fulfilmentPages.post(
  '/portal/shipments/:id/:action{accept|ship|deliver}',
  page(async (c) => {
    const r = await shipmentPortal(c);
    if ('response' in r) return r.response;
    const action = c.req.param('action');
    try {
      if (action === 'accept') await service.acceptShipment(c.var.db, r.shipment);
      else if (action === 'deliver') await service.deliverShipment(c.var.db, r.shipment);
      else {
        const form = await formOf(c);
        const parsed = shipBodySchema.safeParse({ carrier: field(form, 'carrier'), trackingNumber: field(form, 'trackingNumber') });
        if (!parsed.success) throw new AppError('validation_failed', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        await service.shipShipment(c.var.db, r.shipment, parsed.data);
      }
    } catch (error) {
      return renderList(c, r.ctx, { error: errorMessage(error), status: error instanceof AppError ? error.status : 400 });
    }
    return c.redirect(`${withCoop('/portal/shipments', r.ctx.coop)}&done=1#${r.shipment.id}`, 303);
  }),
);

fulfilmentPages.get(
  '/portal/shipments/:id/packing-slip',
  page(async (c) => {
    const r = await shipmentPortal(c);
    if ('response' in r) return r.response;
    const { ctx, shipment } = r;
    const m = t(ctx.locale);
    const items = (await service.itemsOf(c.var.db, [shipment.id])).get(shipment.id) ?? [];
    const view = service.shipmentView(shipment, items);
    const pickups = await service.pickupNames(c.var.db, [shipment.pickupOrganizationId ?? '']);
    const contact = shipment.orderId && shipment.deliveryMethod === 'pickup' ? await service.orderContact(c.var.db, shipment.orderId) : null;
    return c.html(
      <Layout title={`${m.slipTitle} ${shipment.id}`} locale={ctx.locale} path={currentPath(c)} actor={ctx.actor}>
        <article class="packing-slip">
          <h1>
            {m.slipTitle} · {ctx.coop?.organizationName}
          </h1>
          <dl class="facts">
            <dt>{reference(view, ctx.locale).split(' ')[0]}</dt>
            <dd>
              <strong>{view.orderId ?? view.groupBuyId}</strong>
            </dd>
            <dt>#</dt>
            <dd>{shipment.id}</dd>
            <dt>{m.created}</dt>
            <dd>{shanghaiTime(shipment.createdAt)}</dd>
            <dt>{m.from_}</dt>
            <dd>{ctx.coop?.organizationName}</dd>
          </dl>
          <Destination s={view} pickups={pickups} locale={ctx.locale} />
          {contact ? (
            <p>
              <strong>{m.collector}:</strong> {contact.contactName} {contact.contactPhone}
            </p>
          ) : null}
          <table>
            <thead>
              <tr>
                <th scope="col">{m.sku}</th>
                <th scope="col">{m.product}</th>
                <th scope="col">{m.qty}</th>
                <th scope="col">{m.checked}</th>
              </tr>
            </thead>
            <tbody>
              {view.items.map((i) => (
                <tr>
                  <td>{i.sku}</td>
                  <td>
                    {i.nameZh}
                    <br />
                    <small>{i.nameEn}</small>
                  </td>
                  <td>
                    <strong>{i.quantity}</strong>
                  </td>
                  <td>☐</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p style="margin-top:2em">
            {m.packedBy}: ____________ {m.date}: ____________
          </p>
          <p class="no-print">
            <button type="button" onclick="window.print()">
              {m.print}
            </button>{' '}
            <a href={withCoop('/portal/shipments', ctx.coop)}>←</a>
          </p>
        </article>
      </Layout>,
    );
  }),
);
