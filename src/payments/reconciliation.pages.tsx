import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { messages } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { label } from '../views/status-labels';
import { shanghaiDateTime } from '../lib/time';
import { currentPath, MessagePage } from '../views/kit';
import { Layout } from '../views/layout';
import { listDifferences } from './reconciliation';

/** `/admin/payments/reconciliation`: where the providers' daily statements and our books disagree. */
export const reconciliationPages = new Hono<AppEnv>();

const t = messages({
  zh: {
    title: '对账差异',
    back: '收款与退款',
    intro: '每天上午读取前一日的微信支付交易账单，与本站记录逐笔比对。支付宝账单（zip 压缩、GBK 编码）暂未读取。',
    runs: '已对账',
    none: '没有差异。',
    noRuns: '尚未对账（需配置微信支付）。',
    date: '账单日',
    provider: '渠道',
    kind: '差异',
    reference: '单号',
    ours: '本站',
    theirs: '渠道方',
    lines: '笔数',
    found: '差异数',
    ran: '对账时间',
    missing_here: '渠道有、本站无',
    missing_there: '本站有、渠道无',
    amount: '金额不符',
    status: '状态不符',
    forbidden: '仅平台管理员可访问此页面。',
  },
  en: {
    title: 'Reconciliation differences',
    back: 'Payments and refunds',
    intro: "Each morning the previous day's WeChat Pay trade bill is compared line by line with our records. Alipay's bill (zipped, GBK) is not read yet.",
    runs: 'Reconciled',
    none: 'No differences.',
    noRuns: 'Nothing reconciled yet (needs WeChat Pay configured).',
    date: 'Statement date',
    provider: 'Provider',
    kind: 'Difference',
    reference: 'Reference',
    ours: 'Ours',
    theirs: 'Theirs',
    lines: 'Lines',
    found: 'Differences',
    ran: 'Ran at',
    missing_here: 'Theirs only',
    missing_there: 'Ours only',
    amount: 'Amount differs',
    status: 'State differs',
    forbidden: 'Only platform administrators may open this page.',
  },
});

const money = (fen: number | null) => (fen === null ? '—' : formatFen(fen));

reconciliationPages.get('/admin/payments/reconciliation', async (c) => {
  const locale = c.var.locale;
  const m = t(locale);
  if (!c.var.actor) return c.redirect(`/sign-in?next=${encodeURIComponent(currentPath(c.req.url))}`, 303);
  if (!c.var.actor.isAdmin) return c.html(<MessagePage title={m.title} locale={locale} path={currentPath(c.req.url)} actor={c.var.actor} message={m.forbidden} />, 403);
  const { differences, runs } = await listDifferences(c.var.db);
  return c.html(
    <Layout title={m.title} locale={locale} path={currentPath(c.req.url)} actor={c.var.actor}>
      <p>
        <a href="/admin/payments">{m.back}</a>
      </p>
      <h1>{m.title}</h1>
      <p class="muted">{m.intro}</p>
      {differences.length === 0 ? (
        <p>{m.none}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{m.date}</th>
                <th>{m.provider}</th>
                <th>{m.kind}</th>
                <th>{m.reference}</th>
                <th>{m.ours}</th>
                <th>{m.theirs}</th>
              </tr>
            </thead>
            <tbody>
              {differences.map((d) => (
                <tr>
                  <td>{d.statementDate}</td>
                  <td>{label(locale, d.provider)}</td>
                  <td>{m[d.kind]}</td>
                  <td style="overflow-wrap:anywhere">{d.reference}</td>
                  <td>
                    {money(d.oursFen)} {d.ourStatus ? label(locale, d.ourStatus) : ''}
                  </td>
                  <td>
                    {money(d.theirsFen)} {d.theirStatus ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{m.runs}</h2>
      {runs.length === 0 ? (
        <p>{m.noRuns}</p>
      ) : (
        <ul>
          {runs.map((r) => (
            <li>
              {r.statementDate} · {label(locale, r.provider)} · {m.lines} {r.lines} · {m.found} {r.differences} · {m.ran} {shanghaiDateTime(r.ranAt)}
            </li>
          ))}
        </ul>
      )}
    </Layout>,
  );
});
