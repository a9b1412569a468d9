/** Training curves from metrics.json, drawn with uPlot. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricsRecord } from '../manifest';

type Key = Exclude<keyof MetricsRecord, 'epoch'>;

export function lineChart(
  title: string,
  records: MetricsRecord[],
  lines: { key: Key; label: string; color: string }[],
  width = 480,
): HTMLElement {
  const host = document.createElement('div');
  host.className = 'chart';
  const data: uPlot.AlignedData = [
    records.map((r) => r.epoch),
    ...lines.map((l) => records.map((r) => r[l.key])),
  ];
  new uPlot(
    {
      title,
      width,
      height: 220,
      scales: { x: { time: false } },
      axes: [{ label: 'epoch' }, {}],
      series: [{ label: 'epoch' }, ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 2 }))],
    },
    data,
    host,
  );
  return host;
}
