import { buyerOrganizationName } from './order-read';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { formatFen } from '../lib/money';
import type { Locale } from '../lib/i18n';
import { Layout } from '../views/layout';
import { productThumbnails } from '../catalog';
import { fill, label, shanghaiDateTime, t, type OrderStrings } from './orders.i18n';
import type { OrderView } from './orders.schemas';
import { cancelOrder, checkoutUrlFor, getOrder, listOrders, type OrderContext } from './orders.service';
import { currentPath, MessagePage, Money, Notice, StatusBadge } from '../views/kit';
import { NextPage } from '../views/next-page';

/** The order status page (guests reach it through their unguessable link) and "my orders". */
export const orderPages = new Hono<AppEnv>();

const ctxOf = (c: Context<AppEnv>): OrderContext => ({ db: c.var.db, env: c.env, actor: c.var.actor });

function orderHref(id: string, token: string | undefined, extra = ''): string {
  const query = [token ? `token=${encodeURIComponent(token)}` : '', extra].filter(Boolean).join('&');
  return `/orders/${id}${query ? `?${query}` : ''}`;
}

orderPages.get('/orders', async (c) => {
  const locale = c.var.locale;
  const m = t(locale);
  if (!c.var.actor) return c.redirect(`/sign-in?next=${encodeURIComponent('/orders')}`, 303);
  const cursor = c.req.query('cursor');
  let page: Awaited<ReturnType<typeof listOrders>>;
  try {
    page = await listOrders(ctxOf(c), { limit: 20, cursor });
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return c.redirect('/orders', 303);
    throw error;
  }
  return c.html(
    <Layout title={m.myOrders} locale={locale} path={currentPath(c.req.url)} actor={c.var.actor}>
      <h1>{m.myOrders}</h1>
      {page.items.length === 0 ? (
        <p>
          {m.noOrders} <a href="/products">{m.browse}</a>
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{m.placedAt}</th>
                <th scope="col">{m.status}</th>
                <th scope="col">{m.payment}</th>
                <th scope="col">{m.total}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((o) => (
                <tr>
                  <td>
                    <a href={`/orders/${o.id}`}>{o.id}</a>
                  </td>
                  <td>{shanghaiDateTime(o.createdAt)}</td>
                  <td>
                    <StatusBadge locale={locale} status={o.status} />
                  </td>
                  <td>{label(locale, o.paymentMethod)}</td>
                  <td>
                    <Money fen={o.totalFen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NextPage href={page.nextCursor ? `/orders?cursor=${page.nextCursor}` : null}>{m.more}</NextPage>
    </Layout>,
  );
});

orderPages.get('/orders/:id', async (c) => {
  const locale = c.var.locale;
  const m = t(locale);
  const token = c.req.query('token');
  const path = currentPath(c.req.url);
  let order: OrderView;
  try {
    order = await getOrder(ctxOf(c), c.req.param('id'), token);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') {
      return c.html(<MessagePage title={m.returnTitle} locale={locale} path={path} actor={c.var.actor} message={m.notFound} />, 404);
    }
    throw error;
  }
  const [organizationName, thumbnails] = await Promise.all([buyerOrganizationName(c.var.db, order.organizationId), productThumbnails(c.var.db, order.lines.map((l) => l.productId))]);
  return c.html(
    <Layout title={fill(m.orderTitle, { id: order.id })} locale={locale} path={path} actor={c.var.actor}>
      <OrderPage order={order} thumbnails={thumbnails} organizationName={organizationName} token={token} locale={locale} m={m} notice={c.req.query('placed') ? m.orderPlaced : c.req.query('cancelled') ? m.cancelled : undefined} error={c.req.query('error')} />
    </Layout>,
  );
});

orderPages.post('/orders/:id/cancel', async (c) => {
  const form = await c.req.parseBody();
  const token = typeof form.token === 'string' && form.token ? form.token : undefined;
  const id = c.req.param('id');
  try {
    await cancelOrder(ctxOf(c), id, token);
    return c.redirect(orderHref(id, token, 'cancelled=1'), 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'not_found') throw error;
    return c.redirect(orderHref(id, token, `error=${encodeURIComponent(error.message)}`), 303);
  }
});

/** "Pay now": the order's Stripe Checkout page, opened (or re-opened) on demand. */
orderPages.get('/orders/:id/pay', async (c) => {
  const token = c.req.query('token');
  const id = c.req.param('id');
  try {
    return c.redirect(await checkoutUrlFor(ctxOf(c), id, token), 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'not_found') throw error;
    return c.redirect(orderHref(id, token, `error=${encodeURIComponent(error.message)}`), 303);
  }
});

function OrderPage({ order, thumbnails, organizationName, token, locale, m, notice, error }: { order: OrderView; thumbnails?: Map<string, string>; organizationName?: string | null; token?: string; locale: Locale; m: OrderStrings; notice?: string; error?: string }) {
  const name = (x: { nameZh: string; nameEn: string }) => (locale === 'en' ? x.nameEn || x.nameZh : x.nameZh || x.nameEn);
  const payment = order.payment;
  const mayPay = order.status === 'pending_payment' && (payment?.method === 'stripe' || payment?.method === 'wechat_pay' || payment?.method === 'alipay') && payment.status === 'pending';
  const mayCancel = (order.status === 'pending_payment' || order.status === 'invoiced') && payment?.status === 'pending' && order.shipments.every((s) => s.status === 'pending');
  const accessToken = token ?? order.accessToken;
  return (
    <div class="stack">
      <h1 style="overflow-wrap:anywhere">
        {fill(m.orderTitle, { id: order.id })} <StatusBadge locale={locale} status={order.status} />
      </h1>
      {notice ? <Notice>{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <section class="card">
        <dl class="facts">
          {organizationName ? (
            <>
              <dt>{m.buyerOrganization}</dt>
              <dd>{organizationName}</dd>
            </>
          ) : null}
          <dt>{m.placedAt}</dt>
          <dd>{shanghaiDateTime(order.createdAt)}</dd>
          <dt>{m.subtotal}</dt>
          <dd>
            <Money fen={order.subtotalFen} />
          </dd>
          <dt>{m.shipping}</dt>
          <dd>
            <Money fen={order.shippingFen} />
          </dd>
          <dt>{m.total}</dt>
          <dd>
            <strong>
              <Money fen={order.totalFen} />
            </strong>
          </dd>
          {order.delivery.method === 'pickup' ? (
            <>
              <dt>{m.pickupAt}</dt>
              <dd>
                {order.delivery.pickupName}
                {order.delivery.pickupAddress ? <div class="muted">{order.delivery.pickupAddress}</div> : null}
              </dd>
            </>
          ) : (
            <>
              <dt>{m.deliverTo}</dt>
              <dd>
                {order.delivery.recipient} · {order.delivery.phone}
                <div class="muted">{order.delivery.street}</div>
              </dd>
            </>
          )}
          {payment ? (
            <>
              <dt>{m.payment}</dt>
              <dd>
                {label(locale, payment.paidWith ?? payment.method)} · <StatusBadge locale={locale} status={payment.status} />
                {order.invoiceDueAt && (order.invoiceStatus === 'open' || order.invoiceStatus === 'overdue') ? (
                  <div class="muted">
                    {fill(m.invoiceDue, { date: shanghaiDateTime(order.invoiceDueAt).slice(0, 10) })} <StatusBadge locale={locale} status={order.invoiceStatus} />
                  </div>
                ) : null}
              </dd>
            </>
          ) : null}
        </dl>
        {mayPay && order.paymentDueAt ? <p>{fill(m.payBy, { time: shanghaiDateTime(order.paymentDueAt) })}</p> : null}
        <div class="row no-print">
          {mayPay ? (
            <a class="button" href={`/orders/${order.id}/pay${accessToken ? `?token=${encodeURIComponent(accessToken)}` : ''}`}>
              {m.payNow}
            </a>
          ) : null}
          {mayCancel ? (
            <form method="post" action={`/orders/${order.id}/cancel`}>
              {accessToken ? <input type="hidden" name="token" value={accessToken} /> : null}
              <button type="submit" class="danger">
                {m.cancelOrder}
              </button>
            </form>
          ) : null}
          {payment ? (
            // The buyer side only (a cooperative's view carries no payment): the same products again, at today's prices.
            <form method="post" action={`/orders/${order.id}/reorder`}>
              {accessToken ? <input type="hidden" name="token" value={accessToken} /> : null}
              <button type="submit" class="secondary">
                {m.reorder}
              </button>
            </form>
          ) : null}
          {payment && order.organizationId ? (
            <>
              <a class="button secondary" href={`/orders/${order.id}/invoice`}>
                {m.proforma}
              </a>
              <a href={`/procurement/invoices?org=${encodeURIComponent(order.organizationId)}`}>{m.invoicesPage}</a>
            </>
          ) : null}
        </div>
      </section>

      <h2>{m.shipments}</h2>
      {order.shipments.map((s) => (
        <section class="card" data-shipment-id={s.id} aria-labelledby={`shp-${s.id}`}>
          <h3 id={`shp-${s.id}`}>
            {locale === 'en' && s.cooperativeNameEn ? s.cooperativeNameEn : s.cooperativeName} <StatusBadge locale={locale} status={s.status} />
          </h3>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{m.product}</th>
                  <th scope="col">{m.unitPrice}</th>
                  <th scope="col">{m.quantity}</th>
                  <th scope="col">{m.lineTotal}</th>
                </tr>
              </thead>
              <tbody>
                {order.lines
                  .filter((l) => l.shipmentId === s.id)
                  .map((l) => (
                    <tr>
                      <td>
                        <span class="line-product">
                          {thumbnails?.get(l.productId) ? <img src={thumbnails.get(l.productId)} alt="" width={40} height={40} loading="lazy" /> : null}
                          {name(l)}
                        </span>
                      </td>
                      <td>{formatFen(l.unitPriceFen)}</td>
                      <td>{l.quantity}</td>
                      <td>{formatFen(l.lineTotalFen)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          <p class="muted">
            {m.subtotal} {formatFen(s.subtotalFen)} · {m.shipping} {formatFen(s.shippingFen)}
            {s.carrier ? ` · ${m.carrier}: ${s.carrier}` : ''}
            {s.trackingNumber ? ` · ${m.tracking}: ${s.trackingNumber}` : ''}
          </p>
        </section>
      ))}

      {order.refunds.length ? (
        <section class="card">
          <h2>{m.refunds}</h2>
          <ul>
            {order.refunds.map((r) => (
              <li>
                {formatFen(r.amountFen)} · {r.reason} · <StatusBadge locale={locale} status={r.status} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
