import { inArray } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { parseWith, renderPage } from '../accounts';
import type { Db } from '../db/client';
import { chunked } from '../db/batch';
import { products } from '../db/schema';
import type { AppEnv, Membership } from '../env';
import { AppError } from '../lib/errors';
import { localized } from '../lib/i18n';
import { fill } from '../lib/i18n';
import { label } from '../views/status-labels';
import { shanghaiDateTime } from '../lib/time';
import { approvePurchase, listApprovals, rejectPurchase } from './approvals.service';
import { Money, OrgPage, orgPage, stringFields } from './pages.support';
import { t } from './procurement.i18n';
import { rejectApprovalSchema, type ApprovalView } from './procurement.schemas';

/** Purchase approvals: the owner approves (the order is placed then) or rejects with a reason; purchasers follow their requests. */
export const approvalPages = new Hono<AppEnv>();

async function productNames(db: Db, approvals: ApprovalView[]) {
  const ids = [...new Set(approvals.flatMap((a) => a.request.items.map((i) => i.productId)))];
  const names = new Map<string, { sku: string; nameZh: string; nameEn: string }>();
  for (const part of chunked(ids, 90)) {
    const rows = await db.select({ id: products.id, sku: products.sku, nameZh: products.nameZh, nameEn: products.nameEn }).from(products).where(inArray(products.id, part));
    for (const row of rows) names.set(row.id, row);
  }
  return names;
}

const STATUS_TONE: Record<string, string> = { pending: 'badge warn', approved: 'badge', rejected: 'badge bad' };

async function renderApprovals(c: Context<AppEnv>, org: Membership, notice?: { kind: 'notice' | 'error'; text: string; orderId?: string }, status: 200 | 400 | 403 | 404 | 409 | 422 = 200) {
  const locale = c.var.locale;
  const m = t(locale);
  if (org.role !== 'owner' && org.role !== 'purchaser') throw new AppError('forbidden', `Your role (${org.role}) does not take part in purchase approvals`);
  const page = await listApprovals(c.var.db, org.organizationId, { membership: org, userId: c.var.actor!.userId }, { limit: 50 });
  const names = await productNames(c.var.db, page.items);
  const requested = c.req.query('requested');
  const statusText = { pending: m.pending, approved: m.approved_, rejected: m.rejected_ } as const;
  return renderPage(
    c,
    m.approvals,
    <OrgPage m={m} org={org} current="/procurement/approvals" title={m.approvals}>
      <p class="muted">{m.approvalsIntro}</p>
      {requested ? (
        <p class="notice" role="status">
          {m.requested}
        </p>
      ) : null}
      {notice ? (
        <p class={notice.kind} role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.text} {notice.orderId ? <a href={`/orders/${notice.orderId}`}>{m.viewOrder}</a> : null}
        </p>
      ) : null}
      {page.items.length === 0 ? <p class="muted">{m.noApprovals}</p> : null}
      {page.items.map((a) => (
        <section class="card stack" id={a.id} aria-labelledby={`${a.id}-h`} data-status={a.status}>
          <h2 id={`${a.id}-h`} style="margin:0;font-size:1.05rem">
            {a.requestedBy.name} · <Money fen={a.totalFen} /> <span class={STATUS_TONE[a.status]}>{statusText[a.status]}</span>
            {requested === a.id ? ' ★' : ''}
          </h2>
          <p class="muted" style="margin:0">
            {m.requestedAt} {shanghaiDateTime(a.createdAt)} · {label(locale, a.request.paymentMethod)}
          </p>
          <ul>
            {a.request.items.map((item) => {
              const product = names.get(item.productId);
              return (
                <li>
                  {product ? `${localized(product, 'name', locale)} (${product.sku})` : item.productId} × {item.quantity}
                </li>
              );
            })}
          </ul>
          {a.status !== 'pending' && a.decidedBy ? (
            <p class="muted" style="margin:0">
              {fill(m.decidedBy, { name: a.decidedBy.name, time: a.decidedAt ? shanghaiDateTime(a.decidedAt) : '', decision: statusText[a.status] })}
              {a.decisionReason ? ` · ${a.decisionReason}` : ''}
              {a.orderId ? (
                <>
                  {' · '}
                  <a href={`/orders/${a.orderId}`}>{m.viewOrder}</a>
                </>
              ) : null}
            </p>
          ) : null}
          {a.status === 'pending' && org.role === 'owner' ? (
            <div class="row">
              <form method="post" action={`/procurement/approvals/${a.id}/approve`}>
                <input type="hidden" name="org" value={org.organizationId} />
                <button type="submit">{m.approve}</button>
              </form>
              <form method="post" action={`/procurement/approvals/${a.id}/reject`} class="inline">
                <input type="hidden" name="org" value={org.organizationId} />
                <div>
                  <label for={`reason-${a.id}`}>{m.reason}</label>
                  <input id={`reason-${a.id}`} name="reason" required maxlength={500} />
                </div>
                <button type="submit" class="danger">
                  {m.reject}
                </button>
              </form>
            </div>
          ) : null}
        </section>
      ))}
    </OrgPage>,
    status,
  );
}

approvalPages.get('/procurement/approvals', (c) => orgPage(c, (org) => renderApprovals(c, org)));

/** The owner's decision; a refusal (not the owner, decided meanwhile, no stock, no credit) is shown on the page. */
async function decide(c: Context<AppEnv>, decision: 'approve' | 'reject') {
  const fields = stringFields(await c.req.parseBody());
  return orgPage(
    c,
    async (org) => {
      const m = t(c.var.locale);
      if (org.role !== 'owner') return renderApprovals(c, org, { kind: 'error', text: "Only the organisation's owner decides its purchase approvals" }, 403);
      const ctx = { db: c.var.db, env: c.env };
      try {
        if (decision === 'approve') {
          const { order } = await approvePurchase(ctx, c.var.actor!, org.organizationId, c.req.param('id')!);
          return renderApprovals(c, org, { kind: 'notice', text: m.approved, orderId: order.id });
        }
        const { reason } = parseWith(rejectApprovalSchema, { reason: fields.reason ?? '' });
        await rejectPurchase(ctx, c.var.actor!, org.organizationId, c.req.param('id')!, reason);
        return renderApprovals(c, org, { kind: 'notice', text: m.rejected });
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        const status = error.status === 400 || error.status === 404 || error.status === 409 || error.status === 422 ? error.status : 422;
        const text = error.errors?.length ? `${m.reason}: ${error.errors.map((e) => e.message).join('; ')}` : error.message;
        return renderApprovals(c, org, { kind: 'error', text }, status);
      }
    },
    fields.org,
  );
}

approvalPages.post('/procurement/approvals/:id/approve', (c) => decide(c, 'approve'));
approvalPages.post('/procurement/approvals/:id/reject', (c) => decide(c, 'reject'));
