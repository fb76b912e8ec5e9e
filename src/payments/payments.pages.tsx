import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { messages, type Locale } from '../lib/i18n';
import { formatFen, parseYuanToFen } from '../lib/money';
import { label } from '../views/status-labels';
import { shanghaiDateTime } from '../lib/time';
import { currentPath, MessagePage, Notice, StatusBadge } from '../views/kit';
import { Layout } from '../views/layout';
import { paymentContext } from './payments.handlers';
import { confirmOfflinePayment, listPayments, refundOrder, type AdminPayment } from './payments.service';

/** `/admin/payments`: confirm invoice and pay-at-pickup money as received; refund paid orders. */
export const paymentsPages = new Hono<AppEnv>();

const t = messages({
  zh: {
    title: '收款与退款',
    admin: '管理后台',
    waiting: '待确认的线下收款（对公转账、到店付款）',
    none: '暂无。',
    received: '最近收到的付款',
    order: '订单',
    method: '方式',
    amount: '金额',
    refunded: '已退',
    contact: '联系人',
    created: '时间',
    due: '转账截止',
    reference: '银行流水号 / 收款备注',
    confirm: '确认收款',
    refundAmount: '退款金额（元，留空为全额）',
    reason: '退款原因',
    refund: '退款',
    confirmed: '已确认收款。',
    refundDone: '已登记退款。',
    forbidden: '仅平台管理员可访问此页面。',
    badAmount: '金额格式不对，例如 12.50',
  },
  en: {
    title: 'Payments and refunds',
    admin: 'Admin',
    waiting: 'Offline payments to confirm (invoice transfers, pay at pickup)',
    none: 'Nothing here.',
    received: 'Recently received payments',
    order: 'Order',
    method: 'Method',
    amount: 'Amount',
    refunded: 'Refunded',
    contact: 'Contact',
    created: 'Created',
    due: 'Transfer due',
    reference: 'Bank reference / receipt note',
    confirm: 'Confirm received',
    refundAmount: 'Refund (yuan; empty = the rest)',
    reason: 'Reason',
    refund: 'Refund',
    confirmed: 'Payment confirmed.',
    refundDone: 'Refund recorded.',
    forbidden: 'Only platform administrators may open this page.',
    badAmount: 'Not an amount, e.g. 12.50',
  },
});

/** Pages answer a guest with the sign-in page and a non-admin with a plain 403 page. */
async function adminOnly(c: Context<AppEnv>): Promise<Response | null> {
  if (!c.var.actor) return c.redirect(`/sign-in?next=${encodeURIComponent(currentPath(c.req.url))}`, 303);
  if (!c.var.actor.isAdmin) {
    const m = t(c.var.locale);
    return c.html(<MessagePage title={m.title} locale={c.var.locale} path={currentPath(c.req.url)} actor={c.var.actor} message={m.forbidden} />, 403);
  }
  return null;
}

const back = (query: string) => `/admin/payments?${query}`;

paymentsPages.get('/admin/payments', async (c) => {
  const refused = await adminOnly(c);
  if (refused) return refused;
  const locale = c.var.locale;
  const m = t(locale);
  const [waiting, received] = await Promise.all([
    listPayments(c.var.db, { status: 'pending', methods: ['invoice', 'pay_at_pickup'], limit: 100 }),
    listPayments(c.var.db, { status: 'succeeded', limit: 50 }),
  ]);
  const notice = c.req.query('notice');
  return c.html(
    <Layout title={m.title} locale={locale} path={currentPath(c.req.url)} actor={c.var.actor}>
      <p class="no-print">
        <a href="/admin">{m.admin}</a>
      </p>
      <h1>{m.title}</h1>
      {notice === 'confirmed' ? <Notice>{m.confirmed}</Notice> : notice === 'refunded' ? <Notice>{m.refundDone}</Notice> : null}
      {c.req.query('error') ? <Notice kind="error">{c.req.query('error')}</Notice> : null}
      <h2>{m.waiting}</h2>
      <PaymentTable items={waiting.items} locale={locale} action="confirm" />
      <h2>{m.received}</h2>
      <PaymentTable items={received.items} locale={locale} action="refund" />
    </Layout>,
  );
});

paymentsPages.post('/admin/payments/:id/confirm', async (c) => {
  const refused = await adminOnly(c);
  if (refused) return refused;
  const form = await c.req.parseBody();
  const reference = typeof form.bankReference === 'string' ? form.bankReference.trim().slice(0, 100) : '';
  try {
    if (!reference) throw new AppError('validation_failed', t(c.var.locale).reference);
    await confirmOfflinePayment(paymentContext(c), c.var.actor!, c.req.param('id'), reference);
    return c.redirect(back('notice=confirmed'), 303);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return c.redirect(back(`error=${encodeURIComponent(error.message)}`), 303);
  }
});

paymentsPages.post('/admin/orders/:id/refunds', async (c) => {
  const refused = await adminOnly(c);
  if (refused) return refused;
  const m = t(c.var.locale);
  const form = await c.req.parseBody();
  const amountText = typeof form.amountYuan === 'string' ? form.amountYuan.trim() : '';
  const reason = typeof form.reason === 'string' ? form.reason.trim().slice(0, 500) : '';
  const amountFen = amountText ? parseYuanToFen(amountText) : undefined;
  try {
    if (amountFen === null || amountFen === 0) throw new AppError('validation_failed', m.badAmount);
    if (!reason) throw new AppError('validation_failed', m.reason);
    const key = typeof form.idempotencyKey === 'string' && form.idempotencyKey.length >= 8 ? form.idempotencyKey.slice(0, 100) : undefined;
    await refundOrder(paymentContext(c), c.var.actor!, c.req.param('id'), { amountFen, reason }, key);
    return c.redirect(back('notice=refunded'), 303);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return c.redirect(back(`error=${encodeURIComponent(error.message)}`), 303);
  }
});

function PaymentTable({ items, locale, action }: { items: AdminPayment[]; locale: Locale; action: 'confirm' | 'refund' }) {
  const m = t(locale);
  if (!items.length) return <p class="muted">{m.none}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{m.order}</th>
            <th scope="col">{m.method}</th>
            <th scope="col">{m.amount}</th>
            <th scope="col">{m.contact}</th>
            <th scope="col">{action === 'confirm' ? m.due : m.refunded}</th>
            <th scope="col" class="no-print">
              {action === 'confirm' ? m.confirm : m.refund}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr data-payment-id={p.id}>
              <td>
                {p.orderId ? <a href={`/orders/${p.orderId}`}>{p.orderId}</a> : p.participantId}
                <div class="muted">
                  {shanghaiDateTime(p.createdAt)} {p.orderStatus ? <StatusBadge locale={locale} status={p.orderStatus} /> : null}
                </div>
              </td>
              <td>{label(locale, p.method)}</td>
              <td>{formatFen(p.amountFen)}</td>
              <td>
                {p.contactName} {p.contactPhone}
              </td>
              <td>{action === 'confirm' ? (p.invoiceDueAt ? shanghaiDateTime(p.invoiceDueAt).slice(0, 10) : '—') : formatFen(p.refundedFen)}</td>
              <td class="no-print">
                {action === 'confirm' ? (
                  <form method="post" action={`/admin/payments/${p.id}/confirm`} class="inline">
                    <label>
                      {m.reference}
                      <input name="bankReference" required maxlength={100} />
                    </label>
                    <button type="submit">{m.confirm}</button>
                  </form>
                ) : p.orderId && p.refundedFen < p.amountFen ? (
                  <form method="post" action={`/admin/orders/${p.orderId}/refunds`} class="inline">
                    <input type="hidden" name="idempotencyKey" value={crypto.randomUUID()} />
                    <label>
                      {m.refundAmount}
                      <input name="amountYuan" inputmode="decimal" maxlength={12} style="width:7em" />
                    </label>
                    <label>
                      {m.reason}
                      <input name="reason" required maxlength={500} />
                    </label>
                    <button type="submit" class="danger">
                      {m.refund}
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
