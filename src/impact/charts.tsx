/**
 * Server-rendered SVG charts, no client script. Each chart is `role="img"` with a `<title>` and a
 * `<desc>` summarising it, every bar or point carries its own `<title>` (a tooltip, and a name for
 * assistive technology), and a data table below gives the full figures as text.
 * Bars put the label above the bar, so the chart stays legible in a 360 px wide phone screen.
 */
import type { Locale } from '../lib/i18n';
import { ChartFrame, type ChartText } from '../views/chart-frame';

export type { ChartText };

const WIDTH = 360;

/** ¥1.2万 / ¥3.4亿 in Chinese, ¥12k / ¥3.4M in English: short labels for axes. */
export function formatCompactFen(fen: number, locale: Locale): string {
  const yuan = fen / 100;
  const abs = Math.abs(yuan);
  const one = (n: number) => (Math.round(n * 10) / 10).toString();
  if (locale === 'zh') {
    if (abs >= 1e8) return `¥${one(yuan / 1e8)}亿`;
    if (abs >= 1e4) return `¥${one(yuan / 1e4)}万`;
    return `¥${Math.round(yuan)}`;
  }
  if (abs >= 1e6) return `¥${one(yuan / 1e6)}M`;
  if (abs >= 1e3) return `¥${one(yuan / 1e3)}k`;
  return `¥${Math.round(yuan)}`;
}

export type BarDatum = { label: string; value: number; valueLabel: string };

export function BarChart({ id, title, description, bars }: ChartText & { bars: BarDatum[] }) {
  const rowHeight = 40;
  const height = Math.max(rowHeight, bars.length * rowHeight);
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <ChartFrame id={id} title={title} description={description} kind="bar-chart" width={WIDTH} height={height}>
      {bars.map((bar, i) => {
        const y = i * rowHeight;
        const width = bar.value > 0 ? Math.max(2, (bar.value / max) * WIDTH) : 0;
        return (
          <g class="bar">
            <title>{`${bar.label}: ${bar.valueLabel}`}</title>
            <text x="0" y={y + 14} font-size="13" fill="currentColor">
              {bar.label}
            </text>
            <text x={WIDTH} y={y + 14} font-size="13" text-anchor="end" fill="currentColor">
              {bar.valueLabel}
            </text>
            <rect x="0" y={y + 20} width={width.toFixed(1)} height="14" rx="3" fill="#1d6b4f" />
          </g>
        );
      })}
    </ChartFrame>
  );
}

export type LinePoint = { label: string; shortLabel: string; value: number; valueLabel: string };

export function LineChart({ id, title, description, points, locale }: ChartText & { points: LinePoint[]; locale: Locale }) {
  const height = 200;
  const left = 52;
  const right = 12;
  const top = 12;
  const bottom = 30;
  const plotWidth = WIDTH - left - right;
  const plotHeight = height - top - bottom;
  const max = Math.max(1, ...points.map((p) => p.value));
  const min = Math.min(0, ...points.map((p) => p.value));
  const x = (i: number) => left + (points.length === 1 ? plotWidth / 2 : (i / (points.length - 1)) * plotWidth);
  const y = (v: number) => top + plotHeight - ((v - min) / (max - min)) * plotHeight;
  const ticks = [min, min + (max - min) / 2, max];
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  return (
    <ChartFrame id={id} title={title} description={description} kind="line-chart" width={WIDTH} height={height}>
      {ticks.map((tick) => (
        <g class="tick" aria-hidden="true">
          <line x1={left} x2={WIDTH - right} y1={y(tick).toFixed(1)} y2={y(tick).toFixed(1)} stroke="#d9e2dc" />
          <text x={left - 6} y={(y(tick) + 4).toFixed(1)} font-size="11" text-anchor="end" fill="currentColor">
            {formatCompactFen(tick, locale)}
          </text>
        </g>
      ))}
      <polyline
        points={points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}
        fill="none"
        stroke="#1d6b4f"
        stroke-width="2.5"
        stroke-linejoin="round"
      />
      {points.map((p, i) => (
        <g class="point">
          <title>{`${p.label}: ${p.valueLabel}`}</title>
          <circle cx={x(i).toFixed(1)} cy={y(p.value).toFixed(1)} r="4" fill="#b5542a" />
          {i % labelEvery === 0 ? (
            <text x={x(i).toFixed(1)} y={height - 10} font-size="11" text-anchor="middle" fill="currentColor" aria-hidden="true">
              {p.shortLabel}
            </text>
          ) : null}
        </g>
      ))}
    </ChartFrame>
  );
}
