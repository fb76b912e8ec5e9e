import { Hono, type Context } from 'hono';
import { requireAdmin, requireCooperativeStaff } from '../accounts';
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
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { messages, type Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { shanghaiDay } from '../lib/time';
import { Layout } from '../views/layout';
import { instantSchema } from '../lib/period';
import * as settingsService from './settings.service';
import * as service from './settlements.service';
import { NextPage } from '../views/next-page';

const t = messages({
  zh: {
    title: '结算单', adminTitle: '结算管理', period: '结算期间', gross: '销售额', refunds: '退款', fee: '平台服务费', commission: '自提点佣金', net: '应付金额',
    status: '状态', issued: '待付款', paid: '已付款', none: '还没有结算单。', detail: '明细', csv: '下载 CSV', kind: '类型', description: '说明', amount: '金额',
    sale: '销售', refund: '退款', bankReference: '银行流水号', paidAt: '付款时间', markPaid: '登记付款', generate: '生成结算单', start: '开始日期', end: '结束日期（含）',
    generated: '已生成 {n} 张结算单；{s} 家合作社本期已有结算单，未重复生成。', settings: '费率设置', feeRate: '平台服务费（基点，100 = 1%）', commissionRate: '自提点佣金（基点）',
    receiptDays: '发货后自动确认收货天数', save: '保存', saved: '已保存', cooperative: '合作社', explain: '每一分钱都可追溯：销售按送达的发货单计，退款按订单中各发货单金额比例分摊（最大余数法，精确到分）。',
  },
  en: {
    title: 'Statements', adminTitle: 'Settlements', period: 'Period', gross: 'Gross sales', refunds: 'Refunds', fee: 'Platform fee', commission: 'Pickup commission', net: 'Net payable',
    status: 'Status', issued: 'Issued', paid: 'Paid', none: 'No statements yet.', detail: 'Lines', csv: 'Download CSV', kind: 'Kind', description: 'Description', amount: 'Amount',
    sale: 'Sale', refund: 'Refund', bankReference: 'Bank reference', paidAt: 'Paid at', markPaid: 'Record payment', generate: 'Generate statements', start: 'Start date', end: 'End date (inclusive)',
    generated: '{n} statements generated; {s} cooperatives already had one for this period and were skipped.', settings: 'Rates', feeRate: 'Platform fee (basis points, 100 = 1%)', commissionRate: 'Pickup commission (basis points)',
    receiptDays: 'Days after shipping until receipt is assumed', save: 'Save', saved: 'Saved', cooperative: 'Cooperative', explain: 'Every fen is traceable: sales are delivered shipments; refunds are split over the order\'s shipments in proportion to their amounts (largest remainder, exact to the fen).',
  },
});

type Row = service.SettlementRow & { cooperativeName?: string };
const periodText = (s: service.SettlementRow) => `${shanghaiDay(s.periodStart)} – ${shanghaiDay(s.periodEnd - 1)}`;
const fill = (text: string, values: Record<string, number>) => text.replace(/\{(\w)\}/g, (_, k: string) => String(values[k] ?? ''));

function StatementTable({ rows, locale, href, admin }: { rows: Row[]; locale: Locale; href: (s: Row) => string; admin?: boolean }) {
  const m = t(locale);
  if (rows.length === 0) return <p class="muted">{m.none}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{m.period}</th>
            {admin ? <th scope="col">{m.cooperative}</th> : null}
            <th scope="col">{m.gross}</th>
            <th scope="col">{m.refunds}</th>
            <th scope="col">{m.fee}</th>
            <th scope="col">{m.commission}</th>
            <th scope="col">{m.net}</th>
            <th scope="col">{m.status}</th>
            {admin ? <th scope="col">{m.markPaid}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr>
              <td>
                <a href={href(s)}>{periodText(s)}</a>
              </td>
              {admin ? <td>{s.cooperativeName}</td> : null}
              <td>{formatFen(s.grossFen)}</td>
              <td>{formatFen(-s.refundsFen)}</td>
              <td>{formatFen(-s.feeFen)}</td>
              <td>{formatFen(-s.commissionFen)}</td>
              <td class="price">{formatFen(s.netFen)}</td>
              <td>
                <span class={s.status === 'paid' ? 'badge' : 'badge warn'}>{m[s.status]}</span>
              </td>
              {admin ? (
                <td>
                  {s.status === 'issued' ? (
                    <form method="post" action={`/admin/settlements/${s.id}/paid`} class="inline">
                      <label class="muted" for={`ref-${s.id}`}>
                        {m.bankReference}
                      </label>
                      <input id={`ref-${s.id}`} name="bankReference" required minlength={4} maxlength={80} size={14} />
                      <button type="submit">{m.markPaid}</button>
                    </form>
                  ) : (
                    s.bankReference
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StatementDetail({ s, lines, locale }: { s: service.SettlementRow; lines: service.SettlementLineRow[]; locale: Locale }) {
  const m = t(locale);
  const kindLabel: Record<string, string> = { sale: m.sale, refund: m.refund, fee: m.fee, commission: m.commission };
  return (
    <>
      <dl class="facts card">
        <dt>{m.period}</dt>
        <dd>{periodText(s)}</dd>
        <dt>{m.gross}</dt>
        <dd>{formatFen(s.grossFen)}</dd>
        <dt>{m.refunds}</dt>
        <dd>{formatFen(-s.refundsFen)}</dd>
        <dt>{m.fee}</dt>
        <dd>
          {formatFen(-s.feeFen)} <small class="muted">({(s.feeRateBp / 100).toFixed(2)}%)</small>
        </dd>
        <dt>{m.commission}</dt>
        <dd>
          {formatFen(-s.commissionFen)} <small class="muted">({(s.commissionRateBp / 100).toFixed(2)}%)</small>
        </dd>
        <dt>{m.net}</dt>
        <dd class="price">{formatFen(s.netFen)}</dd>
        <dt>{m.status}</dt>
        <dd>
          {m[s.status]} {s.bankReference ? `· ${m.bankReference} ${s.bankReference} · ${shanghaiTime(s.paidAt)}` : ''}
        </dd>
      </dl>
      <p class="muted">{m.explain}</p>
      <p>
        <a class="button secondary" href={`/api/v1/settlements/${s.id}.csv`}>
          {m.csv}
        </a>
      </p>
      <h2>{m.detail}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{m.kind}</th>
              <th scope="col">{m.description}</th>
              <th scope="col">{m.amount}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr>
                <td>{kindLabel[l.kind] ?? l.kind}</td>
                <td>{l.description}</td>
                <td>{formatFen(l.amountFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export const settlementPages = new Hono<AppEnv>();

settlementPages.get(
  '/portal/settlements',
  page(async (c) => {
    const ctx = portalContext(c);
    if (!ctx) return signInRedirect(c);
    if (!ctx.coop) return c.html(<CoopChooser c={c} ctx={ctx} target="/portal/settlements" />);
    requireCooperativeStaff(c, ctx.coop.organizationId);
    const list = await service.listSettlements(c.var.db, { cooperativeId: ctx.coop.organizationId, limit: 100 });
    return c.html(
      <PortalPage c={c} ctx={ctx} title={t(ctx.locale).title} current="/portal/settlements">
        <StatementTable rows={list.items} locale={ctx.locale} href={(s) => withCoop(`/portal/settlements/${s.id}`, ctx.coop)} />
      </PortalPage>,
    );
  }),
);

settlementPages.get(
  '/portal/settlements/:id',
  page(async (c) => {
    const ctx = portalContext(c);
    if (!ctx) return signInRedirect(c);
    const s = await service.getSettlement(c.var.db, c.req.param('id') ?? '');
    requireCooperativeStaff(c, s.cooperativeId);
    const coop = ctx.coops.find((m) => m.organizationId === s.cooperativeId);
    if (!coop) throw new AppError('not_found', `Settlement ${s.id} not found`);
    const portal: PortalContext = { ...ctx, coop };
    return c.html(
      <PortalPage c={c} ctx={portal} title={`${t(ctx.locale).title} ${periodText(s)}`} current="/portal/settlements">
        <StatementDetail s={s} lines={await service.linesOf(c.var.db, s.id)} locale={ctx.locale} />
      </PortalPage>,
    );
  }),
);

async function renderAdmin(c: Context<AppEnv>, options: { flash?: string | null; error?: string | null; status?: number } = {}) {
  const actor = requireAdmin(c);
  const locale = c.var.locale;
  const m = t(locale);
  const [list, settings] = await Promise.all([service.listSettlements(c.var.db, { limit: 100, cursor: c.req.query('cursor') || undefined }), settingsService.getSettings(c.var.db)]);
  return c.html(
    <Layout title={m.adminTitle} locale={locale} path={currentPath(c)} actor={actor}>
      <h1>{m.adminTitle}</h1>
      {options.flash ? (
        <p class="notice" role="status">
          {options.flash}
        </p>
      ) : null}
      {options.error ? (
        <p class="error" role="alert">
          {options.error}
        </p>
      ) : null}
      <section class="card">
        <h2>{m.generate}</h2>
        <form method="post" action="/admin/settlements" class="inline">
          <p>
            <label for="g-start">{m.start}</label>
            <input id="g-start" type="date" name="periodStart" required />
          </p>
          <p>
            <label for="g-end">{m.end}</label>
            <input id="g-end" type="date" name="periodEnd" required />
          </p>
          <button type="submit">{m.generate}</button>
        </form>
      </section>
      <section class="card">
        <h2>{m.settings}</h2>
        <form method="post" action="/admin/settlements/settings" class="inline">
          <p>
            <label for="s-fee">{m.feeRate}</label>
            <input id="s-fee" name="platformFeeRateBp" inputmode="numeric" pattern="\d+" value={String(settings.platformFeeRateBp)} size={6} />
          </p>
          <p>
            <label for="s-commission">{m.commissionRate}</label>
            <input id="s-commission" name="pickupCommissionRateBp" inputmode="numeric" pattern="\d+" value={String(settings.pickupCommissionRateBp)} size={6} />
          </p>
          <p>
            <label for="s-days">{m.receiptDays}</label>
            <input id="s-days" name="receiptAssumedAfterDays" inputmode="numeric" pattern="\d+" value={String(settings.receiptAssumedAfterDays)} size={4} />
          </p>
          <button type="submit">{m.save}</button>
        </form>
      </section>
      <StatementTable rows={list.items} locale={locale} href={(s) => `/admin/settlements/${s.id}`} admin />
      <NextPage href={list.nextCursor ? `/admin/settlements?cursor=${list.nextCursor}` : null}>→</NextPage>
    </Layout>,
    (options.status ?? 200) as 200,
  );
}

settlementPages.get(
  '/admin/settlements',
  page((c) => renderAdmin(c, { flash: c.req.query('saved') ? t(c.var.locale).saved : null })),
);

settlementPages.post(
  '/admin/settlements',
  page(async (c) => {
    const actor = requireAdmin(c);
    const form = await formOf(c);
    const start = instantSchema('start').safeParse(field(form, 'periodStart'));
    const end = instantSchema('end').safeParse(field(form, 'periodEnd'));
    try {
      if (!start.success || !end.success) throw new AppError('validation_failed', `${t(c.var.locale).start} / ${t(c.var.locale).end}`);
      const result = await service.generateSettlements(c.var.db, actor, { periodStart: start.data, periodEnd: end.data });
      return renderAdmin(c, { flash: fill(t(c.var.locale).generated, { n: result.created.length, s: result.skippedCooperativeIds.length }) });
    } catch (error) {
      return renderAdmin(c, { error: errorMessage(error), status: error instanceof AppError ? error.status : 400 });
    }
  }),
);

settlementPages.post(
  '/admin/settlements/settings',
  page(async (c) => {
    const actor = requireAdmin(c);
    const form = await formOf(c);
    const parsed = settingsService.settingsSchema.safeParse({
      platformFeeRateBp: Number(field(form, 'platformFeeRateBp')),
      pickupCommissionRateBp: Number(field(form, 'pickupCommissionRateBp')),
      receiptAssumedAfterDays: Number(field(form, 'receiptAssumedAfterDays')),
    });
    if (!parsed.success) return renderAdmin(c, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), status: 400 });
    await settingsService.updateSettings(c.var.db, actor, parsed.data);
    return c.redirect('/admin/settlements?saved=1', 303);
  }),
);

settlementPages.post(
  '/admin/settlements/:id/paid',
  page(async (c) => {
    const actor = requireAdmin(c);
    const reference = field(await formOf(c), 'bankReference');
    try {
      if (reference.length < 4 || reference.length > 80) throw new AppError('validation_failed', t(c.var.locale).bankReference);
      await service.markPaid(c.var.db, actor, c.req.param('id') ?? '', reference);
    } catch (error) {
      return renderAdmin(c, { error: errorMessage(error), status: error instanceof AppError ? error.status : 400 });
    }
    return c.redirect('/admin/settlements?saved=1', 303);
  }),
);

settlementPages.get(
  '/admin/settlements/:id',
  page(async (c) => {
    const actor = requireAdmin(c);
    const s = await service.getSettlement(c.var.db, c.req.param('id') ?? '');
    return c.html(
      <Layout title={t(c.var.locale).title} locale={c.var.locale} path={currentPath(c)} actor={actor}>
        <p>
          <a href="/admin/settlements">← {t(c.var.locale).adminTitle}</a>
        </p>
        <h1>
          {t(c.var.locale).title} {periodText(s)}
        </h1>
        <StatementDetail s={s} lines={await service.linesOf(c.var.db, s.id)} locale={c.var.locale} />
      </Layout>,
    );
  }),
);
