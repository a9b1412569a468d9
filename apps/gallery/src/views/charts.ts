/** Training curves from metrics.json, drawn with uPlot, with an optional marker at one epoch. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricsRecord } from '../manifest';

export interface Line {
  label: string;
  color: string;
  value: (r: MetricsRecord) => number | undefined;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** One line per figure an epoch-end hook added (records' `extra`), in first-seen order. */
export function extraLines(records: MetricsRecord[]): Line[] {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r.extra ?? {})))];
  return keys.map((key, i) => ({
    label: key,
    color: COLORS[i % COLORS.length] ?? '#333',
    value: (r) => r.extra?.[key],
  }));
}

export interface LineChart {
  host: HTMLElement;
  /** Draws a vertical line at `epoch` (null: none). */
  mark(epoch: number | null): void;
}

export function lineChart(title: string, records: MetricsRecord[], lines: Line[], width = 480): LineChart {
  const host = document.createElement('div');
  host.className = 'chart';
  host.setAttribute('role', 'img');
  host.setAttribute(
    'aria-label',
    `${title} per epoch: ${lines
      .map((l) => {
        const end = records.at(-1);
        const v = end ? l.value(end) : undefined;
        return `${l.label} ends at ${v === undefined ? 'n/a' : Number(v.toPrecision(3))}`;
      })
      .join(', ')}`,
  );
  let marked: number | null = null;
  const data: uPlot.AlignedData = [
    records.map((r) => r.epoch),
    ...lines.map((l) => records.map((r) => l.value(r) ?? null)),
  ];
  const plot = new uPlot(
    {
      title,
      width,
      height: 200,
      scales: { x: { time: false } },
      axes: [{ label: 'epoch' }, {}],
      series: [{ label: 'epoch' }, ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 2 }))],
      hooks: {
        draw: [
          (u) => {
            if (marked === null) return;
            const x = u.valToPos(marked, 'x', true);
            const { ctx } = u;
            ctx.save();
            ctx.strokeStyle = '#888';
            ctx.setLineDash([4, 4]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    },
    data,
    host,
  );
  return {
    host,
    mark(epoch) {
      marked = epoch;
      plot.redraw(false);
    },
  };
}
