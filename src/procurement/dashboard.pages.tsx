import { Hono } from 'hono';
import { renderPage } from '../accounts';
import type { AppEnv } from '../env';
import { localized } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { fill } from '../lib/i18n';
import { label } from '../views/status-labels';
import { shanghaiDateTime } from '../lib/time';
import { listOrders } from '../orders';
import { StatusBadge } from '../views/kit';
import { listApprovals } from './approvals.service';
import { consumption, currentShanghaiYear } from './consumption';
import { creditPosition } from '../orders';
import { unpaidInvoices } from './invoices.service';
import { MonthColumns } from './month-chart';
import { Money, OrgPage, orgPage, shanghaiDate } from './pages.support';
import { t } from './procurement.i18n';

/**
 * The organisation dashboard (采购概览): progress toward the yearly consumption-assistance target with
 * a monthly chart and the counties bought from, recent orders, invoices to pay, purchases waiting for
 * approval, and the way to the order forms.
 */
export const dashboardPages = new Hono<AppEnv>();

const pct = (progress: number) => `${(progress * 100).toFixed(1)}%`;

dashboardPages.get('/procurement', (c) =>
  orgPage(c, async (org) => {
    const locale = c.var.locale;
    const m = t(locale);
    const db = c.var.db;
    const asked = Number(c.req.query('year'));
    const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : currentShanghaiYear();
    const buys = org.role === 'owner' || org.role === 'purchaser';
    const [ledger, recent, invoices, credit, pending] = await Promise.all([
      consumption(db, org.organizationId, year),
      listOrders({ db, env: c.env, actor: c.var.actor }, { organizationId: org.organizationId, limit: 5 }),
      unpaidInvoices(db, org.organizationId, 5),
      creditPosition(db, org.organizationId),
      buys ? listApprovals(db, org.organizationId, { membership: org, userId: c.var.actor!.userId }, { status: 'pending', limit: 5 }) : null,
    ]);
    const q = `org=${encodeURIComponent(org.organizationId)}`;
    const monthsText = fill(m.byMonthDesc, { year, total: formatFen(ledger.spentFen) });
    return renderPage(
      c,
      m.dashboard,
      <OrgPage m={m} org={org} current="/procurement" title={m.dashboard}>
        <section class="card stack" aria-labelledby="target-h">
          <h2 id="target-h">
            {m.target} · {year}
          </h2>
          {ledger.targetFen > 0 ? (
            <>
              <p data-testid="target-progress">{fill(m.progressOf, { spent: formatFen(ledger.spentFen), target: formatFen(ledger.targetFen), pct: pct(ledger.progress) })}</p>
              <div class="progress" role="progressbar" aria-label={m.target} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(ledger.progress * 1000) / 10}>
                <span style={`width:${(ledger.progress * 100).toFixed(2)}%`} />
              </div>
            </>
          ) : (
            <p class="notice">
              {m.noTarget} {m.spent} <Money fen={ledger.spentFen} />
            </p>
          )}
          <dl class="facts">
            <dt>{m.fromOrders}</dt>
            <dd>{formatFen(ledger.ordersFen)}</dd>
            <dt>{m.fromGroupBuys}</dt>
            <dd>{formatFen(ledger.groupBuysFen)}</dd>
          </dl>
          <p class="muted">{m.countsNote}</p>
          <p class="row no-print">
            <a href={`/api/v1/organizations/${org.organizationId}/consumption?year=${year}&format=csv`}>{m.exportCsv}</a>
            <a href={`/procurement?${q}&year=${year - 1}`}>← {year - 1}</a>
            {year < currentShanghaiYear() ? <a href={`/procurement?${q}&year=${year + 1}`}>{year + 1} →</a> : null}
          </p>
        </section>

        <section class="card stack" aria-labelledby="months-h">
          <h2 id="months-h">{m.byMonth}</h2>
          <MonthColumns id="by-month" title={m.byMonth} description={monthsText} months={ledger.byMonth} />
          <details>
            <summary>{m.byMonth}（{m.amount}）</summary>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{m.month}</th>
                    <th scope="col">{m.amount}</th>
                  </tr>
                </thead>
                <tbody>
                  {ledger.byMonth.map((x) => (
                    <tr>
                      <td>{x.month}</td>
                      <td>{formatFen(x.spentFen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </section>

        <section class="card stack" aria-labelledby="counties-h">
          <h2 id="counties-h">{m.byCounty}</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{m.county}</th>
                  <th scope="col">{m.amount}</th>
                </tr>
              </thead>
              <tbody>
                {ledger.byCounty.map((county) => (
                  <tr>
                    <td>
                      <a href={`/counties/${county.countyId}`}>{localized(county, 'name', locale)}</a>
                    </td>
                    <td>{formatFen(county.spentFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        {pending ? (
          <section class="card stack" aria-labelledby="pending-h">
            <h2 id="pending-h">{m.pendingApprovals}</h2>
            {pending.items.length ? (
              <ul>
                {pending.items.map((a) => (
                  <li>
                    <a href={`/procurement/approvals?${q}#${a.id}`}>{a.requestedBy.name}</a> · <Money fen={a.totalFen} /> · {shanghaiDateTime(a.createdAt)}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">{m.noPending}</p>
            )}
          </section>
        ) : null}

        <section class="card stack" aria-labelledby="invoices-h">
          <h2 id="invoices-h">{m.openInvoices}</h2>
          {credit.creditLimitFen > 0 ? (
            <p>
              {m.credit}:{' '}
              {fill(m.creditLine, { limit: formatFen(credit.creditLimitFen), outstanding: formatFen(credit.outstandingFen), available: formatFen(credit.availableFen), days: credit.paymentTermsDays })}
            </p>
          ) : null}
          {invoices.length ? (
            <ul>
              {invoices.map((i) => (
                <li>
                  <a href={`/orders/${i.orderId}/invoice`}>{i.orderId}</a> · <Money fen={i.totalFen - i.refundedFen} /> · {m.dueAt} {i.invoiceDueAt ? shanghaiDate(i.invoiceDueAt) : '—'}{' '}
                  <StatusBadge locale={locale} status={i.invoiceStatus} />
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{m.noOpenInvoices}</p>
          )}
        </section>

        <section class="card stack" aria-labelledby="orders-h">
          <h2 id="orders-h">{m.recentOrders}</h2>
          {recent.items.length ? (
            <ul>
              {recent.items.map((o) => (
                <li>
                  <a href={`/orders/${o.id}`}>{o.id}</a> · {shanghaiDateTime(o.createdAt)} · <Money fen={o.totalFen} /> · <StatusBadge locale={locale} status={o.status} /> {label(locale, o.paymentMethod)}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{m.noOrders}</p>
          )}
          {buys ? (
            <p class="row">
              <a class="button" href={`/procurement/bulk?${q}`}>
                {m.bulk}
              </a>
              <a class="button secondary" href={`/procurement/quick?${q}`}>
                {m.quick}
              </a>
            </p>
          ) : null}
        </section>
      </OrgPage>,
    );
  }),
);
