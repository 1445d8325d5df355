// One report chart, drawn by uPlot (a small canvas chart library) as lines over days or as bars
// over names. The canvas is hidden from assistive technology: each chart's data table, next to it,
// is what a screen reader reads (data-table.tsx). uPlot builds its DOM with createElement and text,
// and styles by CSSOM, so it runs under the console's CSP and Trusted Types with no policy.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { daySeconds } from './period.ts';

export interface Series {
  label: string;
  values: Array<number | null>;
  /** One of palette.ts's COLOURS. */
  colour: string;
  dashed?: boolean;
}

export type ChartSpec =
  | { kind: 'days'; days: string[]; series: Series[]; unit: 'count' | 'seconds' }
  | { kind: 'bars'; labels: string[]; series: Series[] };

const HEIGHT = 260;

/** Counts go up in whole steps: no axis says 0.5 conversations. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];

/** 75 → "1 min 15 s": durations on an axis. */
export function seconds(value: number): string {
  if (value < 60) return `${Math.round(value * 10) / 10} s`;
  const min = Math.floor(value / 60);
  const s = Math.round(value % 60);
  return s === 0 ? `${min} min` : `${min} min ${s} s`;
}

function options(spec: ChartSpec, width: number): uPlot.Options {
  const lines = spec.series.map((s): uPlot.Series => ({
    label: s.label,
    stroke: s.colour,
    width: 2,
    ...(s.dashed ? { dash: [6, 4] } : {}),
  }));
  if (spec.kind === 'days') {
    return {
      width,
      height: HEIGHT,
      // The days are UTC days: shown as such, whatever the browser's time zone.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      series: [{ label: 'Day' }, ...lines.map((l) => ({ ...l, points: { show: spec.days.length <= 62 } }))],
      axes: [{}, { size: 70, ...(spec.unit === 'seconds' ? { values: (_u: uPlot, ticks: number[]) => ticks.map(seconds) } : { incrs: WHOLE_STEPS }) }],
    };
  }
  const { labels } = spec;
  const bars = uPlot.paths.bars!({ size: [0.7, 48] });
  return {
    width,
    height: HEIGHT + (labels.some((l) => l.length > 8) ? 60 : 0),
    scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    // The names are on the axis and the numbers in the table below: a legend would only repeat them.
    legend: { show: false },
    series: [
      { label: 'Name', value: (_u, i) => (i === null ? '' : (labels[i] ?? '')) },
      ...spec.series.map((s): uPlot.Series => ({ label: s.label, fill: s.colour, stroke: s.colour, paths: bars, points: { show: false } })),
    ],
    axes: [
      {
        splits: () => labels.map((_, i) => i),
        values: (_u, ticks) => ticks.map((i) => labels[i] ?? ''),
        ...(labels.some((l) => l.length > 8) ? { rotate: -40, size: 110 } : {}),
      },
      { size: 60, incrs: WHOLE_STEPS },
    ],
  };
}

function data(spec: ChartSpec): uPlot.AlignedData {
  const xs = spec.kind === 'days' ? spec.days.map(daySeconds) : spec.labels.map((_, i) => i);
  return [xs, ...spec.series.map((s) => s.values)];
}

export function Chart({ spec }: { spec: ChartSpec }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(options(spec, el.clientWidth || 600), data(spec), el);
    const resized = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: plot.height }));
    resized.observe(el);
    return () => {
      resized.disconnect();
      plot.destroy();
    };
  }, [spec]);
  return <div class="chart" aria-hidden="true" ref={box} />;
}
