import type { Child } from 'hono/jsx';

/** The words a chart is known by: its title and a one-sentence summary of what it shows. */
export type ChartText = { id: string; title: string; description: string };

/**
 * The accessible frame every server-rendered SVG chart shares: `role="img"` named by its `<title>` and
 * described by its `<desc>`, scaling to the width it is given.
 *
 * @example <ChartFrame id="by-month" title="按月" description="…" kind="month-chart" width={360} height={160}>{columns}</ChartFrame>
 */
export function ChartFrame({ id, title, description, kind, width, height, children }: ChartText & { kind: string; width: number; height: number; children: Child }) {
  return (
    <svg class={`chart ${kind}`} viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title ${id}-desc`} xmlns="http://www.w3.org/2000/svg">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {children}
    </svg>
  );
}
