import { formatFen } from '../lib/money';
import { ChartFrame } from '../views/chart-frame';

/**
 * Twelve monthly columns as server-rendered SVG: no script, `role="img"` with a title and a description,
 * a `<title>` per column (tooltip and accessible name), and the figures as a table beside it for anyone
 * who cannot see the chart. Sized to a 360 px phone.
 *
 * @example <MonthColumns id="by-month" title="按月完成额" description="…" months={[{ month: '2026-01', spentFen: 1200 }, …]} />
 */
export function MonthColumns({ id, title, description, months }: { id: string; title: string; description: string; months: { month: string; spentFen: number }[] }) {
  const width = 360;
  const height = 160;
  const top = 14;
  const bottom = 20;
  const plot = height - top - bottom;
  const slot = width / Math.max(1, months.length);
  const max = Math.max(1, ...months.map((m) => m.spentFen));
  return (
    <ChartFrame id={id} title={title} description={description} kind="month-chart" width={width} height={height}>
      <line x1="0" x2={width} y1={top + plot} y2={top + plot} stroke="#d9e2dc" aria-hidden="true" />
      {months.map((m, i) => {
        const h = m.spentFen > 0 ? Math.max(2, (m.spentFen / max) * plot) : 0;
        const x = i * slot + slot * 0.15;
        return (
          <g class="column">
            <title>{`${m.month}: ${formatFen(m.spentFen)}`}</title>
            <rect x={x.toFixed(1)} y={(top + plot - h).toFixed(1)} width={(slot * 0.7).toFixed(1)} height={h.toFixed(1)} rx="2" fill="#1d6b4f" />
            <text x={(i * slot + slot / 2).toFixed(1)} y={height - 6} font-size="11" text-anchor="middle" fill="currentColor" aria-hidden="true">
              {Number(m.month.slice(5))}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}
