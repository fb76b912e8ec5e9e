import { and, asc, eq, inArray } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { parseWith, renderPage } from '../accounts';
import type { Db } from '../db/client';
import { chunked } from '../db/batch';
import { auditLog, products } from '../db/schema';
import type { Actor, AppEnv, Membership } from '../env';
import { AppError } from '../lib/errors';
import { localized, type Locale } from '../lib/i18n';
import { fill } from '../lib/i18n';
import { label } from '../views/status-labels';
import { shanghaiDateTime } from '../lib/time';
import { approvePurchase, listApprovals, rejectPurchase, revisePurchaseRequest, withdrawPurchaseRequest, type ApprovalContext } from './approvals.service';
import { refusalText } from '../orders';
import { Money, OrgPage, orgPage, stringFields } from './pages.support';
import { t } from './procurement.i18n';

type Text = ReturnType<typeof t>;
import { rejectApprovalSchema, reviseApprovalSchema, type ApprovalView } from './procurement.schemas';

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

const STATUS_TONE: Record<ApprovalView['status'], string> = { pending: 'badge warn', approved: 'badge', rejected: 'badge bad', withdrawn: 'badge' };

type Names = Awaited<ReturnType<typeof productNames>>;
type Change = { at: number; by: string; before: { items: { productId: string; quantity: number }[]; totalFen: number }; after: { items: { productId: string; quantity: number }[]; totalFen: number } };

/** The purchaser's changes to each request, oldest first, from the audit rows written with them. */
async function changesOf(db: Db, approvals: ApprovalView[]): Promise<Map<string, Change[]>> {
  const revised = approvals.filter((a) => a.revision > 0).map((a) => a.id);
  const changes = new Map<string, Change[]>();
  for (const part of chunked(revised, 90)) {
    const rows = await db
      .select({ entityId: auditLog.entityId, at: auditLog.createdAt, by: auditLog.actorLabel, before: auditLog.before, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'purchase_approval'), eq(auditLog.action, 'approval.revise'), inArray(auditLog.entityId, part)))
      .orderBy(asc(auditLog.createdAt));
    for (const row of rows) changes.set(row.entityId, [...(changes.get(row.entityId) ?? []), { at: row.at, by: (row.by ?? '').replace(/ <.*>$/, ''), before: row.before as Change['before'], after: row.after as Change['after'] }]);
  }
  return changes;
}

const productLabel = (names: Names, productId: string, locale: Locale) => {
  const product = names.get(productId);
  return product ? `${localized(product, 'name', locale)} (${product.sku})` : productId;
};

/** "火腿 × 3 → 5" per line that changed, with lines added or removed, then the totals. */
function ChangeHistory({ changes, names, m, locale }: { changes: Change[]; names: Names; m: Text; locale: Locale }) {
  return (
    <details open>
      <summary>{fill(m.changes, { count: String(changes.length) })}</summary>
      <ul>
        {changes.map((change) => {
          const before = new Map(change.before.items.map((i) => [i.productId, i.quantity]));
          const after = new Map(change.after.items.map((i) => [i.productId, i.quantity]));
          const lines = [...new Set([...before.keys(), ...after.keys()])].filter((id) => before.get(id) !== after.get(id));
          return (
            <li>
              {fill(m.changedBy, { name: change.by, time: shanghaiDateTime(change.at) })}{' '}
              {lines.map((id) => `${productLabel(names, id, locale)} × ${before.get(id) ?? 0} → ${after.get(id) ?? 0}`).join('；')}
              {' · '}
              <Money fen={change.before.totalFen} /> → <Money fen={change.after.totalFen} />
            </li>
          );
        })}
      </ul>
    </details>
  );
}

/** The owner decides the revision on screen: a change made after the page was loaded is refused, not approved unseen. */
function OwnerActions({ a, org, m }: { a: ApprovalView; org: Membership; m: Text }) {
  return (
    <div class="row">
      <form method="post" action={`/procurement/approvals/${a.id}/approve`}>
        <input type="hidden" name="org" value={org.organizationId} />
        <input type="hidden" name="revision" value={String(a.revision)} />
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
  );
}

/** The purchaser's own pending request: change the quantities (0 removes a line) or withdraw it. */
function PurchaserActions({ a, org, names, m, locale }: { a: ApprovalView; org: Membership; names: Names; m: Text; locale: Locale }) {
  return (
    <div class="stack">
      <form method="post" action={`/procurement/approvals/${a.id}/revise`} class="stack">
        <input type="hidden" name="org" value={org.organizationId} />
        {a.request.items.map((item) => (
          <div>
            <label for={`qty-${a.id}-${item.productId}`}>{productLabel(names, item.productId, locale)}</label>
            <input id={`qty-${a.id}-${item.productId}`} name={`qty.${item.productId}`} type="number" inputmode="numeric" min={0} value={String(item.quantity)} required />
          </div>
        ))}
        <p class="muted" style="margin:0">{m.reviseHint}</p>
        <button type="submit">{m.saveChanges}</button>
      </form>
      <form method="post" action={`/procurement/approvals/${a.id}/withdraw`}>
        <input type="hidden" name="org" value={org.organizationId} />
        <button type="submit" class="danger">
          {m.withdraw}
        </button>
      </form>
    </div>
  );
}

function Decision({ a, m, statusText }: { a: ApprovalView; m: Text; statusText: Record<ApprovalView['status'], string> }) {
  if (a.status === 'pending' || !a.decidedAt) return null;
  return (
    <p class="muted" style="margin:0">
      {a.decidedBy ? fill(m.decidedBy, { name: a.decidedBy.name, time: shanghaiDateTime(a.decidedAt), decision: statusText[a.status] }) : `${statusText[a.status]} · ${shanghaiDateTime(a.decidedAt)}`}
      {a.decisionReason ? ` · ${a.decisionReason}` : ''}
      {a.orderId ? (
        <>
          {' · '}
          <a href={`/orders/${a.orderId}`}>{m.viewOrder}</a>
        </>
      ) : null}
    </p>
  );
}

type CardProps = { a: ApprovalView; org: Membership; names: Names; changes: Change[]; m: Text; locale: Locale; highlighted: boolean; mine: boolean };

function ApprovalCard({ a, org, names, changes, m, locale, highlighted, mine }: CardProps) {
  const statusText = { pending: m.pending, approved: m.approved_, rejected: m.rejected_, withdrawn: m.withdrawn_ } as const;
  return (
    <section class="card stack" id={a.id} aria-labelledby={`${a.id}-h`} data-status={a.status}>
      <h2 id={`${a.id}-h`} style="margin:0;font-size:1.05rem">
        {a.requestedBy.name} · <Money fen={a.totalFen} /> <span class={STATUS_TONE[a.status]}>{statusText[a.status]}</span>
        {highlighted ? ' ★' : ''}
      </h2>
      <p class="muted" style="margin:0">
        {m.requestedAt} {shanghaiDateTime(a.createdAt)} · {label(locale, a.request.paymentMethod)}
      </p>
      <ul>
        {a.request.items.map((item) => (
          <li>
            {productLabel(names, item.productId, locale)} × {item.quantity}
          </li>
        ))}
      </ul>
      {changes.length ? <ChangeHistory changes={changes} names={names} m={m} locale={locale} /> : null}
      <Decision a={a} m={m} statusText={statusText} />
      {a.status === 'pending' && org.role === 'owner' ? <OwnerActions a={a} org={org} m={m} /> : null}
      {a.status === 'pending' && mine ? <PurchaserActions a={a} org={org} names={names} m={m} locale={locale} /> : null}
    </section>
  );
}

type Notice = { kind: 'notice' | 'error'; text: string; orderId?: string };

async function renderApprovals(c: Context<AppEnv>, org: Membership, notice?: Notice, status: 200 | 400 | 403 | 404 | 409 | 422 = 200) {
  const locale = c.var.locale;
  const m = t(locale);
  if (org.role !== 'owner' && org.role !== 'purchaser') throw new AppError('forbidden', `Your role (${org.role}) does not take part in purchase approvals`);
  const userId = c.var.actor!.userId;
  const page = await listApprovals(c.var.db, org.organizationId, { membership: org, userId }, { limit: 50 });
  const [names, changes] = await Promise.all([productNames(c.var.db, page.items), changesOf(c.var.db, page.items)]);
  const requested = c.req.query('requested');
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
        <ApprovalCard a={a} org={org} names={names} changes={changes.get(a.id) ?? []} m={m} locale={locale} highlighted={requested === a.id} mine={a.requestedBy.userId === userId} />
      ))}
    </OrgPage>,
    status,
  );
}

/** A refusal in the page's language, by its rule (quantities by the order rules), else the service's message. */
function refusalOnPage(error: AppError, m: Text, locale: Locale): string {
  const byRule: Record<string, string> = { approval_revised: m.approvalRevised, approval_changed: m.approvalChanged, approval_decided: m.approvalDecided, not_requester: m.notRequester };
  if (!error.errors?.length) return error.message;
  return error.errors.map((e) => (e.rule && byRule[e.rule]) || refusalText(e, locale)).join(' ');
}

approvalPages.get('/procurement/approvals', (c) => orgPage(c, (org) => renderApprovals(c, org)));

/** The owner's decision and the purchaser's changes; a refusal (not theirs, decided meanwhile, no stock, no credit) is shown on the page. */
type Action = 'approve' | 'reject' | 'revise' | 'withdraw';

async function act(c: Context<AppEnv>, action: Action) {
  const fields = stringFields(await c.req.parseBody());
  return orgPage(
    c,
    async (org) => {
      const m = t(c.var.locale);
      const ctx = { db: c.var.db, env: c.env };
      const id = c.req.param('id')!;
      if ((action === 'approve' || action === 'reject') && org.role !== 'owner') return renderApprovals(c, org, { kind: 'error', text: m.onlyOwnerDecides }, 403);
      try {
        return renderApprovals(c, org, await perform(ctx, c.var.actor!, org, id, action, fields, m));
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        const status = error.status === 400 || error.status === 404 || error.status === 409 || error.status === 422 ? error.status : 422;
        return renderApprovals(c, org, { kind: 'error', text: refusalOnPage(error, m, c.var.locale) }, status);
      }
    },
    fields.org,
  );
}

async function perform(ctx: ApprovalContext, actor: Actor, org: Membership, id: string, action: Action, fields: Record<string, string>, m: Text): Promise<Notice> {
  switch (action) {
    case 'approve': {
      const revision = fields.revision !== undefined && /^\d+$/.test(fields.revision) ? Number(fields.revision) : undefined;
      const { order } = await approvePurchase(ctx, actor, org.organizationId, id, revision);
      return { kind: 'notice', text: m.approved, orderId: order.id };
    }
    case 'reject': {
      const { reason } = parseWith(rejectApprovalSchema, { reason: fields.reason ?? '' });
      await rejectPurchase(ctx, actor, org.organizationId, id, reason);
      return { kind: 'notice', text: m.rejected };
    }
    case 'revise': {
      const items = Object.entries(fields)
        .filter(([name]) => name.startsWith('qty.'))
        .map(([name, value]) => ({ productId: name.slice(4), quantity: Number(value.trim() || '0') }))
        .filter((item) => item.quantity !== 0);
      const { items: parsed } = parseWith(reviseApprovalSchema, { items });
      await revisePurchaseRequest(ctx, actor, org, org.organizationId, id, parsed);
      return { kind: 'notice', text: m.revised };
    }
    case 'withdraw':
      await withdrawPurchaseRequest(ctx, actor, org, org.organizationId, id);
      return { kind: 'notice', text: m.withdrawnNotice };
  }
}

approvalPages.post('/procurement/approvals/:id/approve', (c) => act(c, 'approve'));
approvalPages.post('/procurement/approvals/:id/reject', (c) => act(c, 'reject'));
approvalPages.post('/procurement/approvals/:id/revise', (c) => act(c, 'revise'));
approvalPages.post('/procurement/approvals/:id/withdraw', (c) => act(c, 'withdraw'));
