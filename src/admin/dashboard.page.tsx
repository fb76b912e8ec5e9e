import { formatFen } from '../lib/money';
import type { AdminText } from './admin.i18n';
import { Section, shanghaiTime } from './admin.layout';
import type { AdminDashboard } from './dashboard.service';

type M = AdminText;

export function Dashboard({ d, m }: { d: AdminDashboard; m: M }) {
  return (
    <>
      <h1>
        {m.dashboard} <small class="muted">{d.today}</small>
      </h1>
      <div class="stack">
        <Section id="todays-orders" heading={m.todaysOrders} count={d.todaysOrders.count} m={m}>
          <p>
            {m.total}: <strong>{formatFen(d.todaysOrders.totalFen)}</strong>
          </p>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.todaysOrders.items.map((o) => (
                  <tr>
                    <td>
                      <code>{o.id}</code>
                    </td>
                    <td>{shanghaiTime(o.createdAt)}</td>
                    <td>{o.contactName}</td>
                    <td>
                      <span class="badge">{o.status}</span> {o.paymentMethod}
                    </td>
                    <td>{formatFen(o.totalFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section id="payments-awaiting" heading={m.paymentsAwaiting} count={d.paymentsAwaiting.count} link="/admin/payments" m={m}>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.paymentsAwaiting.items.map((p) => (
                  <tr>
                    <td>
                      <code>{p.id}</code>
                    </td>
                    <td>{p.method}</td>
                    <td>{p.orderId ?? p.participantId}</td>
                    <td>{shanghaiTime(p.createdAt)}</td>
                    <td>{formatFen(p.amountFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section id="overdue-invoices" heading={m.overdueInvoices} count={d.overdueInvoices.count} link="/admin/payments" m={m}>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.overdueInvoices.items.map((o) => (
                  <tr>
                    <td>
                      <code>{o.id}</code>
                    </td>
                    <td>{o.organizationName ?? '—'}</td>
                    <td>
                      {m.due} {shanghaiTime(o.invoiceDueAt)}
                    </td>
                    <td>{formatFen(o.totalFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section id="closing-today" heading={m.closingToday} count={d.groupBuysClosingToday.count} m={m}>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.groupBuysClosingToday.items.map((g) => (
                  <tr>
                    <td>
                      <a href={`/g/${g.shortCode}`}>{g.title}</a>
                    </td>
                    <td>
                      {m.closes} {shanghaiTime(g.closesAt)}
                    </td>
                    <td>
                      {m.participants} {g.participantsCount}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section id="late-shipments" heading={m.lateShipments} count={d.lateShipments.count} m={m}>
          <p class="muted">{m.lateRule}</p>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.lateShipments.items.map((s) => (
                  <tr>
                    <td>
                      <code>{s.id}</code>
                    </td>
                    <td>{s.cooperativeName}</td>
                    <td>
                      <span class="badge bad">{s.status}</span>
                    </td>
                    <td>{shanghaiTime(s.status === 'shipped' ? s.shippedAt : s.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      </div>
    </>
  );
}
