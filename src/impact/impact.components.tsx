/**
 * The impact report's building blocks, shared by the public /impact page and by other pages that
 * show one place's figures (the county page embeds `CountyImpactSection`).
 */
import { formatFen } from '../lib/money';
import { messages, type Locale } from '../lib/i18n';
import { BarChart, LineChart } from './charts';
import type { CountyImpact } from './county-impact';
import { MONTHS_EN, type ImpactFigures, type ImpactReport, type Named } from './report';

export const impactText = messages({
  zh: {
    title: '帮扶成效',
    intro: '统计已付款的消费帮扶销售（扣除退款），按产地区县、上海结对区、品类和月份汇总。数据来自每笔付款与退款，随交易实时更新。',
    netSales: '净销售额',
    refunds: '退款',
    orders: '订单',
    ordersNote: '一笔订单涉及几家合作社即计几单',
    cooperatives: '合作社',
    households: '受益农户',
    householdsUnit: '户',
    byCounty: '各区县销售额',
    byDistrict: '各上海结对区销售额',
    byCategory: '各品类销售额',
    byMonth: '逐月销售额',
    name: '名称',
    month: '月份',
    showTable: '查看数据表',
    noSales: '所选范围内暂无已付款的销售。',
    chartSummary: '共 {count} 项，最高：{top}。',
    lineSummary: '{first} 至 {last} 共 {count} 个月，最高为 {top}。',
    countyFullReport: '查看完整帮扶成效报告',
    countySince: '该县合作社经山海平台售出的产品（已付款，扣除退款）。',
  },
  en: {
    title: 'Impact',
    intro: 'Paid consumption-assistance sales, net of refunds, by county of origin, paired Shanghai district, category and month. Figures come from every payment and refund as it happens.',
    netSales: 'Net sales',
    refunds: 'Refunds',
    orders: 'Orders',
    ordersNote: 'an order counts once for each cooperative it buys from',
    cooperatives: 'Cooperatives',
    households: 'Households benefited',
    householdsUnit: 'households',
    byCounty: 'Sales by county',
    byDistrict: 'Sales by paired Shanghai district',
    byCategory: 'Sales by category',
    byMonth: 'Sales by month',
    name: 'Name',
    month: 'Month',
    showTable: 'Show the data table',
    noSales: 'No paid sales in this selection yet.',
    chartSummary: '{count} entries; highest: {top}.',
    lineSummary: '{count} months from {first} to {last}; highest: {top}.',
    countyFullReport: 'See the full impact report',
    countySince: "Products of this county's cooperatives sold through Shanhai (paid, net of refunds).",
  },
});

const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));

export const nameIn = (row: Named, locale: Locale) => (locale === 'en' ? row.nameEn : row.nameZh);

export function HeadlineFigures({ figures, locale }: { figures: ImpactFigures; locale: Locale }) {
  const m = impactText(locale);
  return (
    <dl class="headline">
      <div>
        <dt>{m.netSales}</dt>
        <dd data-figure="salesFen">{formatFen(figures.salesFen)}</dd>
      </div>
      <div>
        <dt>{m.households}</dt>
        <dd data-figure="households">{figures.households.toLocaleString('en-US')}</dd>
      </div>
      <div>
        <dt>{m.cooperatives}</dt>
        <dd data-figure="cooperatives">{figures.cooperatives.toLocaleString('en-US')}</dd>
      </div>
      <div>
        <dt>
          {m.orders} <small class="muted">({m.ordersNote})</small>
        </dt>
        <dd data-figure="orders">{figures.orders.toLocaleString('en-US')}</dd>
      </div>
      <div>
        <dt>{m.refunds}</dt>
        <dd data-figure="refundsFen">{formatFen(figures.refundsFen)}</dd>
      </div>
    </dl>
  );
}

type Row = ImpactFigures & Named;

/** The full figures behind a chart, as text: the chart's accessible alternative. */
function FiguresTable({ rows, locale, firstColumn }: { rows: Row[]; locale: Locale; firstColumn: string }) {
  const m = impactText(locale);
  return (
    <details class="data-table">
      <summary>{m.showTable}</summary>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{firstColumn}</th>
              <th scope="col">{m.netSales}</th>
              <th scope="col">{m.refunds}</th>
              <th scope="col">{m.orders}</th>
              <th scope="col">{m.cooperatives}</th>
              <th scope="col">{m.households}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <th scope="row">{nameIn(row, locale)}</th>
                <td>{formatFen(row.salesFen)}</td>
                <td>{formatFen(row.refundsFen)}</td>
                <td>{row.orders}</td>
                <td>{row.cooperatives}</td>
                <td>{row.households}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** A titled horizontal bar chart of net sales, with its data table. */
export function SalesBars({ id, heading, rows, locale }: { id: string; heading: string; rows: Row[]; locale: Locale }) {
  const m = impactText(locale);
  const top = rows[0];
  const description = top ? fill(m.chartSummary, { count: rows.length, top: `${nameIn(top, locale)} ${formatFen(top.salesFen)}` }) : m.noSales;
  return (
    <section class="impact-chart" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      {rows.length ? (
        <>
          <BarChart
            id={id}
            title={heading}
            description={description}
            bars={rows.map((r) => ({ label: nameIn(r, locale), value: r.salesFen, valueLabel: formatFen(r.salesFen) }))}
          />
          <FiguresTable rows={rows} locale={locale} firstColumn={m.name} />
        </>
      ) : (
        <p class="muted">{m.noSales}</p>
      )}
    </section>
  );
}

const shortMonth = (month: string, locale: Locale) => {
  const [year, mm] = month.split('-');
  const first = mm === '01';
  if (locale === 'en') {
    const name = MONTHS_EN[Number(mm) - 1];
    return first ? `${name} ${year!.slice(2)}` : name!;
  }
  return first ? `${year!.slice(2)}年${Number(mm)}月` : `${Number(mm)}月`;
};

/** Net sales month by month as a line chart, with its data table. */
export function SalesByMonth({ id, heading, rows, locale }: { id: string; heading: string; rows: ImpactReport['byMonth']; locale: Locale }) {
  const m = impactText(locale);
  const top = [...rows].sort((a, b) => b.salesFen - a.salesFen)[0];
  const description = top
    ? fill(m.lineSummary, {
        count: rows.length,
        first: nameIn(rows[0]!, locale),
        last: nameIn(rows[rows.length - 1]!, locale),
        top: `${nameIn(top, locale)} ${formatFen(top.salesFen)}`,
      })
    : m.noSales;
  return (
    <section class="impact-chart" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      {rows.length ? (
        <>
          <LineChart
            id={id}
            title={heading}
            description={description}
            locale={locale}
            points={rows.map((r, i) => ({
              label: nameIn(r, locale),
              shortLabel: i === 0 ? nameIn(r, locale) : shortMonth(r.month, locale),
              value: r.salesFen,
              valueLabel: formatFen(r.salesFen),
            }))}
          />
          <FiguresTable rows={rows} locale={locale} firstColumn={m.month} />
        </>
      ) : (
        <p class="muted">{m.noSales}</p>
      )}
    </section>
  );
}

/** Styles for the figures and charts (pages add them after the base stylesheet). */
export const impactCss = `
dl.headline{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:10px;margin:12px 0}
dl.headline>div{background:#fff;border:1px solid var(--line);border-radius:10px;padding:10px 12px}
dl.headline dt{color:var(--muted);font-size:.9rem}dl.headline dd{margin:2px 0 0;font-size:1.3rem;font-weight:700;overflow-wrap:anywhere}
.impact-chart{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px;margin:12px 0}
.impact-chart h2{margin-top:0}.chart{display:block;max-width:720px;overflow:visible}
.charts{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(300px,1fr))}.charts>.impact-chart{margin:0}
details.data-table{margin-top:8px}details.data-table td,details.data-table th{white-space:nowrap}
`;

/**
 * One county's figures for its own page: headline totals, net sales by month and by category.
 * Get `impact` from `countyImpact(db, countyId)` (./county-impact.ts).
 *
 * @example
 * const impact = await countyImpact(c.var.db, county.id);
 * return <Layout ...>...{impact ? <CountyImpactSection impact={impact} locale={locale} /> : null}</Layout>;
 */
export function CountyImpactSection({ impact, locale }: { impact: CountyImpact; locale: Locale }) {
  const m = impactText(locale);
  const id = `county-impact-${impact.countyId}`;
  return (
    <section class="county-impact" aria-labelledby={`${id}-heading`}>
      <style dangerouslySetInnerHTML={{ __html: impactCss }} />
      <h2 id={`${id}-heading`}>
        {m.title} · {nameIn(impact, locale)}
      </h2>
      <p class="muted">{m.countySince}</p>
      <HeadlineFigures figures={impact.totals} locale={locale} />
      {impact.totals.salesFen !== 0 || impact.totals.refundsFen !== 0 ? (
        <div class="charts">
          <SalesByMonth id={`${id}-month`} heading={m.byMonth} rows={impact.byMonth} locale={locale} />
          <SalesBars id={`${id}-category`} heading={m.byCategory} rows={impact.byCategory} locale={locale} />
        </div>
      ) : (
        <p class="muted">{m.noSales}</p>
      )}
      <p>
        <a href={`/impact?county=${encodeURIComponent(impact.countyId)}`}>{m.countyFullReport}</a>
      </p>
    </section>
  );
}
