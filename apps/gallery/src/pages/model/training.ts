/**
 * A run's training: its per-epoch pictures as a scrubbable timeline beside its loss, discriminator
 * accuracy and quality curves, with the shown epoch marked on the curves. A live run's new epochs and
 * curve points go into the section on screen.
 */
import { el } from '../../dom';
import type { CurvePoint, ManifestRun, MetricsRecord } from '../../manifest';
import { adaptiveChart } from '../../views/adaptive';
import {
  ACCURACY_AXIS,
  epochChart,
  LOSS_AXIS,
  lossSeries,
  metricCharts,
  smoothingControl,
  stepChart,
  type LineChart,
  type StepChart,
} from '../../views/charts';
import { FAKE_COLOR, REAL_COLOR } from '../../views/scatter';
import { timeline, type Timeline } from '../../views/timeline';
import { fetchJson } from './loading';
import { describeEpochOf, runProgress } from '../../run-progress';
import { message } from './status-line';

export class TrainingSection {
  readonly host: HTMLElement;
  private readonly charts = el('div', { class: 'charts' });
  private timeline: Timeline | undefined;
  private readonly lines: LineChart[] = [];
  private readonly steps: StepChart[] = [];
  private marked: number | null = null;
  private epochsDrawn = -1;
  private smoothing: HTMLElement | undefined;
  private readonly width: number;

  /** The section for `run`, or null when it has nothing to show yet (and is not still training). */
  static of(run: ManifestRun, latest: () => ManifestRun): TrainingSection | null {
    const { samples, metrics } = run.files;
    const curve = run.files.curve ?? null;
    // A live run gets its first files later: keep the section so they have a place to go.
    if (samples.length === 0 && !metrics && !curve && run.status !== 'running') return null;
    return new TrainingSection(run, latest);
  }

  /** `latest`: the run as the latest manifest has it (a live run moves on). */
  private constructor(
    run: ManifestRun,
    private readonly latest: () => ManifestRun,
  ) {
    const { samples } = run.files;
    if (samples.length > 0) this.timeline = timeline(samples, run.name, (epoch) => this.markEpoch(epoch), (e) => this.describe(e));
    // Two charts beside the timeline on a wide screen, one per row below that.
    const avail = Math.min(window.innerWidth, 1240) - 48;
    this.width = avail >= 1100 ? Math.floor((avail - 400) / 2) : Math.max(260, Math.min(600, avail));
    void this.reload();
    this.host = el(
      'section',
      { class: 'training' },
      el('h2', { text: 'Training' }),
      el('div', { class: 'training-grid' }, this.timeline?.host, this.charts),
    );
  }

  /** A picture's epoch as the head and the model card count it. */
  private describe(epoch: number): string {
    return describeEpochOf(runProgress(this.latest()), epoch);
  }

  private markEpoch(epoch: number): void {
    this.marked = epoch;
    for (const c of this.lines) c.mark(epoch);
  }

  /** Fetches the run's curves again and redraws them. */
  private reload(): Promise<void> {
    return this.load().catch((e: unknown) =>
      this.charts.replaceChildren(el('p', { class: 'error', text: message(e) })),
    );
  }

  private async load(): Promise<void> {
    const now = this.latest();
    const records = now.files.metrics ? ((await fetchJson(now.files.metrics)) as MetricsRecord[]) : [];
    const points = now.files.curve ? ((await fetchJson(now.files.curve)) as CurvePoint[]) : [];
    const epochSteps = records.map((r) => r.step);
    // Between epochs a live run only adds curve points: those go into the chart on screen.
    const stepped = this.steps[0];
    if (stepped && records.length === this.epochsDrawn && points.length > 0) {
      stepped.update(lossSeries(points, '', undefined, records), epochSteps);
      return;
    }
    this.epochsDrawn = records.length;
    for (const c of this.lines) c.chart.dispose();
    this.lines.length = 0;
    this.steps.length = 0;
    this.lossCharts(records, points, epochSteps);
    const adaptive = adaptiveChart(records, now.config, this.width);
    if (adaptive) this.lines.push(adaptive);
    // Three to a row beside the timeline on a wide screen.
    const metricList = metricCharts(records, Math.min(this.width, 260));
    this.lines.push(...metricList);
    for (const c of this.lines) c.mark(this.marked);
    const children: HTMLElement[] = [];
    if (this.steps.length > 0)
      children.push(this.smoothing ?? (this.smoothing = smoothingControl(() => this.steps)));
    children.push(...this.lines.filter((c) => !metricList.includes(c)).map((c) => c.host));
    if (metricList.length > 0) {
      children.push(
        el('h3', { text: 'Quality during training' }),
        el('div', { class: 'metric-charts' }, ...metricList.map((c) => c.host)),
      );
    }
    this.charts.replaceChildren(...children);
  }

  /** Loss per step (or per epoch, for a run without its curve file) and discriminator accuracy. */
  private lossCharts(records: MetricsRecord[], points: CurvePoint[], epochSteps: number[]): void {
    if (points.length > 0) {
      const c = stepChart('Loss per step', lossSeries(points, '', undefined, records), epochSteps, {
        width: this.width,
      });
      c.host.classList.add('loss-steps');
      this.steps.push(c);
      this.lines.push(c);
    } else if (records.length > 0) {
      this.lines.push(
        epochChart(
          'Loss',
          records,
          [
            { label: 'discriminator', color: REAL_COLOR, value: (r) => r.lossD },
            { label: 'generator', color: FAKE_COLOR, value: (r) => r.lossG },
          ],
          LOSS_AXIS,
          this.width,
        ),
      );
    }
    if (records.length > 0) {
      this.lines.push(
        epochChart(
          'Discriminator accuracy',
          records,
          [
            { label: 'on real', color: REAL_COLOR, value: (r) => r.accReal },
            { label: 'on generated', color: FAKE_COLOR, value: (r) => r.accFake },
          ],
          ACCURACY_AXIS,
          this.width,
        ),
      );
    }
  }

  /** `run` moved on from `before` (a live run): a new timeline when it has new pictures, new curves. */
  refresh(before: ManifestRun, run: ManifestRun): void {
    if (before.files.samples.length !== run.files.samples.length) {
      const old = this.timeline?.host;
      this.timeline?.dispose();
      this.timeline = timeline(run.files.samples, run.name, (epoch) => this.markEpoch(epoch), (e) => this.describe(e));
      if (old) old.replaceWith(this.timeline.host);
      else this.host.querySelector('.training-grid')?.prepend(this.timeline.host);
    }
    void this.reload();
  }

  dispose(): void {
    this.timeline?.dispose();
    for (const c of this.lines) c.chart.dispose();
  }
}
