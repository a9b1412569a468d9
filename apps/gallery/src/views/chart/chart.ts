/**
 * The one chart every page draws with (run page, comparison, playground): uPlot with titled axes and
 * units, ticks at round numbers (whole numbers on step, epoch and count axes), a log scale for positive
 * values, drag-to-zoom with a reset, the x axis in steps or in wall time, the data as CSV or JSON, and a
 * width that follows its box, so the text stays 12 CSS pixels at any screen width. Few points are drawn
 * as dots with their values; targets as labelled dashed lines.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';
import { el } from '../../dom';
import { align, fileStem, smooth, toCsv, toJson, type ChartSeries } from './data';
import {
  axisTitle,
  formatValue,
  INTEGER_INCRS,
  logTickLabel,
  tickLabel,
  timeUnit,
  type TimeUnit,
} from './format';
import { ChartTools } from './tools';

export type { ChartSeries } from './data';

export interface AxisSpec {
  label: string;
  unit?: string;
  /** Whole numbers only (steps, epochs, counts): ticks and values without decimals. */
  integer?: boolean;
  /** A fixed range (accuracies: [0, 1]). */
  range?: [number, number];
}

export interface ChartSpec {
  title: string;
  x: AxisSpec;
  y: AxisSpec & { log?: boolean };
  series: ChartSeries[];
  /** EMA weight of the drawn lines, with faint raw lines under them; absent: no smoothing. */
  smoothing?: number;
  /** Horizontal reference lines. */
  targets?: { value: number; label: string }[];
  /** Light dashed vertical lines at these x (epoch ends). */
  markers?: number[];
  /** The widest the chart gets (it narrows with its box). */
  width?: number;
  height?: number;
  /** An id for the plot's canvas. */
  canvasId?: string;
}

/** Fewer points than this in every series: drawn as dots with their values. */
const FEW = 3;

export class Chart {
  readonly host: HTMLElement;
  private readonly plotBox: HTMLElement;
  private readonly tools: ChartTools;
  private plot: uPlot | undefined;
  private series: ChartSeries[];
  private weight: number | undefined;
  private log: boolean;
  private wall = false;
  private unit: TimeUnit = { seconds: 1, name: 's' };
  private marked: number | null = null;
  private zoomed = false;
  /** Whether the plot on screen was built for few points (dots with values). */
  private builtFew = false;
  private width: number;
  private readonly resize: ResizeObserver | undefined;

  constructor(private spec: ChartSpec) {
    this.series = spec.series;
    this.weight = spec.smoothing;
    this.log = !!spec.y.log;
    this.width = spec.width ?? 480;
    this.plotBox = el('div', { class: 'chart-plot', attrs: { role: 'img' } });
    this.tools = new ChartTools(
      {
        log: (on) => this.setLog(on),
        axis: (wall) => this.setWall(wall),
        resetZoom: () => this.resetZoom(),
        download: (kind) => this.download(kind),
      },
      spec.x.label,
    );
    this.host = el('div', { class: 'chart' }, this.plotBox, this.tools.host);
    this.host.style.width = `${this.width}px`;
    this.build();
    this.resize =
      typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(() => this.fitWidth());
    this.resize?.observe(this.host);
  }

  /** New data (a live run's new points), keeping zoom, scale and smoothing. */
  update(series: ChartSeries[], opts: { markers?: number[]; targets?: ChartSpec['targets'] } = {}): void {
    const sameShape =
      series.length === this.series.length && series.every((s, i) => s.label === this.series[i]?.label);
    this.series = series;
    this.spec = { ...this.spec, ...opts };
    if (!sameShape || !this.plot || this.few() !== this.builtFew) return this.build();
    this.refreshState();
    this.plot.setData(this.data(), !this.zoomed);
  }

  smoothing(weight: number): void {
    this.weight = weight;
    this.plot?.setData(this.data(), !this.zoomed);
  }

  /** A darker line at `x` (the epoch or step shown elsewhere); null: none. */
  mark(x: number | null): void {
    this.marked = x;
    this.plot?.redraw(false);
  }

  setLog(on: boolean): void {
    if (on && !this.positive()) return;
    this.log = on;
    this.build();
  }

  setWall(on: boolean): void {
    if (on && !this.hasWall()) return;
    this.wall = on;
    this.zoomed = false;
    this.build();
  }

  resetZoom(): void {
    this.zoomed = false;
    this.plot?.setData(this.data(), true);
    this.refreshState();
  }

  /** The data as a file's text: CSV (one row per x) or JSON (each series' own points). */
  text(kind: 'csv' | 'json'): string {
    const x = axisTitle(this.spec.x.label, this.spec.x.unit);
    if (kind === 'csv') return toCsv(x, this.series);
    return toJson(this.spec.title, { x, y: axisTitle(this.spec.y.label, this.spec.y.unit) }, this.series, {
      ...(this.spec.targets?.length ? { targets: this.spec.targets } : {}),
    });
  }

  dispose(): void {
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private download(kind: 'csv' | 'json'): void {
    const type = kind === 'csv' ? 'text/csv' : 'application/json';
    const url = URL.createObjectURL(new Blob([this.text(kind)], { type }));
    const a = el('a', { attrs: { href: url, download: `${fileStem(this.spec.title)}.${kind}` } });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private positive(): boolean {
    return this.series.some((s) => s.y.some((v) => v !== null && v > 0)) && !this.spec.y.range;
  }

  private hasWall(): boolean {
    return this.series.length > 0 && this.series.every((s) => s.wall && s.wall.length === s.x.length);
  }

  private few(): boolean {
    return this.series.every((s) => s.y.filter((v) => v !== null && Number.isFinite(v)).length < FEW);
  }

  /** The series as drawn: x in steps or wall time, y smoothed (raw lines after), log-safe. */
  private data(): uPlot.AlignedData {
    const xs = (s: ChartSeries) => (this.wall ? s.wall!.map((w) => w / this.unit.seconds) : s.x);
    const { xs: x, ys } = align(this.series.map((s) => ({ x: xs(s), y: s.y })));
    const safe = (y: (number | null)[]) => (this.log ? y.map((v) => (v !== null && v > 0 ? v : null)) : y);
    const shown = ys.map((y) => safe(this.weight !== undefined ? smooth(y, this.weight) : y));
    return [x, ...shown, ...(this.weight !== undefined ? ys.map(safe) : [])] as uPlot.AlignedData;
  }

  private xTitle(): string {
    return this.wall
      ? axisTitle('wall time', this.unit.name)
      : axisTitle(this.spec.x.label, this.spec.x.unit);
  }

  private build(): void {
    this.plot?.destroy();
    if (this.wall) {
      const most = Math.max(0, ...this.series.flatMap((s) => s.wall ?? []));
      this.unit = timeUnit(most);
    }
    const width = this.currentWidth();
    this.builtFew = this.few();
    this.plot = new uPlot(this.options(width), this.data(), this.plotBox);
    if (this.spec.canvasId) this.plot.ctx.canvas.id = this.spec.canvasId;
    this.zoomed = false;
    this.refreshState();
  }

  private currentWidth(): number {
    const w = Math.floor(this.host.clientWidth);
    return w > 0 ? Math.min(w, this.width) : this.width;
  }

  private fitWidth(): void {
    const w = this.currentWidth();
    if (this.plot && Math.abs(this.plot.width - w) >= 1) {
      this.plot.setSize({ width: w, height: this.spec.height ?? 220 });
    }
  }

  private options(width: number): uPlot.Options {
    const { x, y } = this.spec;
    const few = this.few();
    const integerX = !this.wall && !!x.integer;
    const raw = this.weight !== undefined;
    const legend = (si: number) => (u: uPlot, v: number | null, _s: number, idx: number | null) =>
      formatValue(idx === null || v === null ? lastOf(u.data[si] as (number | null)[]) : v, y.integer);
    return {
      title: this.spec.title,
      width,
      height: this.spec.height ?? 220,
      scales: {
        x: { time: false, range: (u, lo, hi) => xRange(u.data[0] as number[], lo, hi, few, integerX) },
        y: {
          distr: this.log ? 3 : 1,
          ...(y.range
            ? { range: () => y.range! }
            : this.spec.targets?.length && !this.log
              ? {
                  range: (_u, lo, hi) =>
                    withTargets(
                      lo,
                      hi,
                      this.spec.targets!.map((t) => t.value),
                    ),
                }
              : this.log
                ? {
                    range: (_u, lo, hi) =>
                      lo !== null && hi !== null && lo > 0 ? uPlot.rangeLog(lo, hi, 10, true) : [0.1, 10],
                  }
                : {}),
        },
      },
      axes: [
        {
          label: this.xTitle(),
          ...(integerX ? { incrs: INTEGER_INCRS } : {}),
          values: (_u, splits, _a, _s, incr) => this.ticks('x', splits, incr, integerX),
        },
        {
          label: axisTitle(y.label, y.unit),
          ...(y.integer && !this.log ? { incrs: INTEGER_INCRS } : {}),
          values: (_u, splits, _a, _s, incr) => this.ticks('y', splits, incr, !!y.integer),
          size: 56,
        },
      ],
      cursor: { drag: { x: true, y: false, setScale: true } },
      series: [
        { label: this.xTitle(), value: (u, v, _s, idx) => xLegend(u, v, idx) },
        ...this.series.map((s, i) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          spanGaps: true,
          value: legend(i + 1),
          points: { show: few, size: 7, fill: s.color },
        })),
        ...(raw ? this.series : []).map((s, i) => ({
          label: `${s.label} (raw)`,
          stroke: `${s.color}40`,
          width: 1,
          spanGaps: true,
          value: legend(this.series.length + i + 1),
        })),
      ],
      hooks: {
        draw: [(u) => this.overlay(u, few)],
        setScale: [(u, key) => key === 'x' && this.onScale(u)],
      },
    };
  }

  /** Tick labels, also kept on the host for tests and for people reading the DOM. */
  private ticks(axis: 'x' | 'y', splits: number[], incr: number, integer: boolean): string[] {
    const labels = splits.map((v) =>
      v === null || v === undefined || !Number.isFinite(v)
        ? ''
        : axis === 'y' && this.log
          ? logTickLabel(v)
          : tickLabel(v, incr, integer),
    );
    this.host.dataset[axis === 'x' ? 'xTicks' : 'yTicks'] = labels.join('|');
    return labels;
  }

  private onScale(u: uPlot): void {
    const xs = u.data[0] as number[];
    if (xs.length === 0) return;
    const { min, max } = u.scales['x'] ?? {};
    const first = xs[0]!;
    const last = xs[xs.length - 1]!;
    const eps = (last - first) * 1e-6;
    this.zoomed = min !== undefined && max !== undefined && (min > first + eps || max < last - eps);
    this.refreshState();
  }

  /** Markers, the marked x, targets and, for few points, their values. */
  private overlay(u: uPlot, few: boolean): void {
    const { ctx } = u;
    const line = (x0: number, y0: number, x1: number, y1: number, color: string, dash: number[]) => {
      ctx.save();
      ctx.strokeStyle = color;
      ctx.lineWidth = uPlot.pxRatio;
      ctx.setLineDash(dash.map((d) => d * uPlot.pxRatio));
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
      ctx.restore();
    };
    const { left, top, width, height } = u.bbox;
    if (!this.wall) {
      const vertical = (x: number, color: string) => {
        const px = u.valToPos(x, 'x', true);
        if (Number.isFinite(px) && px >= left && px <= left + width)
          line(px, top, px, top + height, color, [4, 4]);
      };
      for (const m of this.spec.markers ?? []) vertical(m, '#cccccc');
      if (this.marked !== null) vertical(this.marked, '#555555');
    }
    ctx.save();
    ctx.font = `${11 * uPlot.pxRatio}px system-ui, sans-serif`;
    for (const t of this.spec.targets ?? []) {
      const py = u.valToPos(t.value, 'y', true);
      if (!Number.isFinite(py) || py < top || py > top + height) continue;
      line(left, py, left + width, py, '#b03a2e', [6, 3]);
      ctx.fillStyle = '#b03a2e';
      ctx.textAlign = 'right';
      ctx.fillText(t.label, left + width - 4 * uPlot.pxRatio, py - 4 * uPlot.pxRatio);
    }
    if (few) this.pointLabels(u);
    ctx.restore();
  }

  private pointLabels(u: uPlot): void {
    const { ctx } = u;
    ctx.textAlign = 'center';
    this.series.forEach((s, i) => {
      const ys = u.data[i + 1] as (number | null)[];
      (u.data[0] as number[]).forEach((x, k) => {
        const v = ys[k];
        if (v === null || v === undefined) return;
        const px = u.valToPos(x, 'x', true);
        const py = u.valToPos(v, 'y', true);
        ctx.fillStyle = s.color;
        // Alternate series label above and below their dots, so two series' values do not overlap.
        const below = i % 2 === 1;
        ctx.textBaseline = below ? 'top' : 'alphabetic';
        ctx.fillText(formatValue(v, this.spec.y.integer), px, py + (below ? 7 : -8) * uPlot.pxRatio);
      });
    });
  }

  /** Host attributes and controls that follow the state: axis kind, scale, zoom, the summary. */
  private refreshState(): void {
    const d = this.host.dataset;
    d['series'] = String(this.series.length);
    d['points'] = String(this.series.reduce((n, s) => n + s.x.length, 0));
    d['xAxis'] = this.wall ? 'wall' : 'step';
    d['yScale'] = this.log ? 'log' : 'linear';
    d['zoomed'] = String(this.zoomed);
    d['xTitle'] = this.xTitle();
    d['yTitle'] = axisTitle(this.spec.y.label, this.spec.y.unit);
    this.plotBox.setAttribute('aria-label', this.summary());
    this.tools.sync({
      log: this.log,
      canLog: this.positive(),
      wall: this.wall,
      canWall: this.hasWall(),
      zoomed: this.zoomed,
    });
  }

  private summary(): string {
    const ends = this.series.map((s) => {
      const v = lastOf(s.y);
      return `${s.label} ends at ${formatValue(v, this.spec.y.integer)}`;
    });
    return `${this.spec.title}, ${axisTitle(this.spec.y.label, this.spec.y.unit)} against ${this.xTitle()}: ${ends.join(', ')}`;
  }
}

/** The last finite value of a series, shown in the legend when nothing is hovered. */
export function lastOf(values: (number | null | undefined)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) return v;
  }
  return null;
}

/** The x value in the legend: the hovered one, or the last with "(last)". */
function xLegend(u: uPlot, v: number | null, idx: number | null): string {
  if (idx === null || v === null) {
    const last = lastOf(u.data[0] as number[]);
    return last === null ? 'n/a' : `${formatValue(last, Number.isInteger(last))} (last)`;
  }
  return formatValue(v, Number.isInteger(v));
}

/**
 * The x range: as asked (the data's extent, or a zoom), except that few points get room around them, so
 * a lone point is not on an edge (uPlot widens a single x value by itself to a range of its own choosing).
 */
function xRange(
  xs: number[],
  lo: number | null,
  hi: number | null,
  few: boolean,
  integer: boolean,
): uPlot.Range.MinMax {
  if (lo === null || hi === null) return [0, 1];
  const first = xs[0];
  const last = xs[xs.length - 1];
  if (first === undefined || last === undefined) return [lo, hi];
  const auto = xs.length === 1 || (lo === first && hi === last);
  if (!few || !auto) return [lo, hi];
  const span = last - first;
  const pad = integer
    ? Math.max(1, Math.ceil(span * 0.25))
    : Math.max(span * 0.25, Math.abs(last) * 0.1, 1e-3);
  return [first >= 0 && first - pad < 0 ? 0 : first - pad, last + pad];
}

/** The y range of the data widened to show the target lines too. */
function withTargets(lo: number | null, hi: number | null, targets: number[]): uPlot.Range.MinMax {
  const all = [...(lo === null ? [] : [lo]), ...(hi === null ? [] : [hi]), ...targets];
  if (all.length === 0) return [0, 1];
  return uPlot.rangeNum(Math.min(...all), Math.max(...all), 0.1, true);
}
