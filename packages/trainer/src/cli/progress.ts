/**
 * What `ganforge train` prints while it runs: a live bar on a terminal (one line per epoch in a log or
 * with --quiet), each epoch's figures, and the run's result.
 */
import cliProgress from 'cli-progress';
import { countEpochs, describeEpochs, RunDir } from '@ganforge/contracts';
import { qualityLines } from '../eval/hook';
import type { TrainEvent } from '../loop/types';

const fmt = (n: number, d = 3) => (Math.abs(n) >= 1000 ? n.toFixed(0) : n.toFixed(d));

/** Augmentation's p and overfitting signal r_t, where a run augments. */
const augmentText = (f: { augmentP?: number; overfitSignal?: number }) =>
  f.augmentP === undefined
    ? ''
    : ` · p ${fmt(f.augmentP, 3)}${f.overfitSignal !== undefined ? ` r_t ${fmt(f.overfitSignal, 2)}` : ''}`;

/** Seconds as "45s", "3m05s", "1h02m": rounded once, so never "1m60s". */
export function formatDuration(seconds: number): string {
  const t = Math.max(0, Math.round(seconds));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Time left in the whole run, not the epoch: the steps still to go at the pace so far, capped by what
 * remains of --max-minutes (then it says so).
 */
export function runEta(o: {
  elapsedSec: number;
  stepsDone: number;
  stepsLeft: number;
  budgetLeftSec?: number;
}): string {
  if (o.stepsDone <= 0 || o.elapsedSec <= 0) return '…';
  const bySteps = (o.stepsLeft * o.elapsedSec) / o.stepsDone;
  if (o.budgetLeftSec !== undefined && o.budgetLeftSec < bySteps) {
    return `${formatDuration(o.budgetLeftSec)} (time budget)`;
  }
  return formatDuration(bySteps);
}

/**
 * "3 epochs", "2 epochs (the last 37/64 steps)": a run stopped inside an epoch counts that epoch, with its
 * steps, as the model card and the loss plot do (countEpochs in @ganforge/contracts).
 */
export function epochsDone(epochs: number, steps: number, stepsPerEpoch: number): string {
  if (!Number.isFinite(stepsPerEpoch)) return describeEpochs({ epochs });
  return describeEpochs(countEpochs(steps, stepsPerEpoch));
}

type EventOf<S extends TrainEvent['status']> = Extract<TrainEvent, { status: S }>;

const count = (n: number) => n.toLocaleString('en');
const mib = (bytes: number) => `${count(Math.round(bytes / 2 ** 20))} MB`;

/** Where a run's examples are read from: "in memory: 48 MB", or from disk and why. */
export function dataText(e: Pick<EventOf<'start'>, 'data' | 'config'>): string {
  if (e.data.where === 'memory') return `in memory: ${mib(e.data.bytes)}`;
  return `streamed from disk: ${mib(e.data.bytes)} > --data-memory-mb=${e.config.dataMemoryMb ?? '?'}`;
}

/** Folders that decode fewer new images than this do it in seconds, without progress lines. */
export const DECODE_LINES_FROM = 2000;

/** One progress line of a folder's decode: "decoded 12,000/100,000 images (12%) · 950 img/s · 1m32s left". */
export function decodeLine(p: EventOf<'decode'>['progress']): string {
  const pct = Math.floor((100 * p.done) / p.total);
  const left = p.perSec > 0 ? ` · ${formatDuration((p.total - p.done) / p.perSec)} left` : '';
  return `decoded ${count(p.done)}/${count(p.total)} images (${pct}%) · ${count(Math.round(p.perSec))} img/s${p.done < p.total ? left : ''}`;
}

/** The run's shape, known from its start event. */
interface Plan {
  totalSteps: number;
  stepsPerEpoch: number;
  epochs: number;
  budgetSec?: number;
  startedAt: number;
}

/** The progress output of one run: fed every TrainEvent in order. */
class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private figures = { lossD: '-', lossG: '-', dx: '-', dgz: '-', ips: '-', aug: '' };
  // A Wasserstein critic's sign means nothing, so "accuracy" neither: show the critic's gap instead.
  private critic = false;
  // The run's dataset: it says whose features the closing quality figures are in.
  private dataset: string | undefined;
  private plan: Plan | undefined;
  // Pace: from the first step this process ran (start-up and a resume's restore left out).
  private first: { step: number; at: number } | undefined;
  // When the last decode line was printed.
  private decodeShownAt = 0;

  /** `tty`: a live bar; otherwise one line per epoch. */
  constructor(private readonly tty: boolean) {}

  on(e: TrainEvent): void {
    switch (e.status) {
      case 'decode':
        return this.decode(e);
      case 'start':
        return this.start(e);
      case 'step':
        return this.step(e);
      case 'checkpoint':
        return;
      case 'epoch':
        return this.epoch(e);
      case 'done':
        return this.done(e);
    }
  }

  private eta(step: number): string {
    const plan = this.plan;
    if (!plan) return '…';
    const now = performance.now();
    this.first ??= { step, at: now };
    const budgetLeftSec =
      plan.budgetSec === undefined ? undefined : plan.budgetSec - (now - plan.startedAt) / 1000;
    return runEta({
      elapsedSec: (now - this.first.at) / 1000,
      stepsDone: step - this.first.step,
      stepsLeft: plan.totalSteps - step,
      ...(budgetLeftSec !== undefined ? { budgetLeftSec } : {}),
    });
  }

  /** A big folder's decode: a first line, then the count, pace and time left (in place on a terminal). */
  private decode(e: EventOf<'decode'>): void {
    const p = e.progress;
    if (p.total - p.resumed < DECODE_LINES_FROM) return;
    const now = performance.now();
    if (p.done === p.resumed) {
      const resumed = p.resumed > 0 ? `, continuing after the ${count(p.resumed)} a stopped decode left` : '';
      console.log(`decoding ${count(p.total)} images of ${e.dataset} once, into ${p.cache}${resumed}`);
      this.decodeShownAt = now;
      return;
    }
    const last = p.done === p.total;
    if (!last && now - this.decodeShownAt < (this.tty ? 500 : 10_000)) return;
    this.decodeShownAt = now;
    if (this.tty) process.stderr.write(`\r\x1b[K${decodeLine(p)}${last ? '\n' : ''}`);
    else console.log(decodeLine(p));
  }

  private start(e: EventOf<'start'>): void {
    this.critic = e.config.loss === 'wasserstein';
    this.dataset = e.config.dataset;
    this.plan = {
      totalSteps: e.config.epochs * e.stepsPerEpoch,
      stepsPerEpoch: e.stepsPerEpoch,
      epochs: e.config.epochs,
      ...(e.config.maxMinutes !== undefined ? { budgetSec: e.config.maxMinutes * 60 } : {}),
      startedAt: performance.now(),
    };
    console.log(`run directory: ${e.runDir}`);
    console.log(
      `preset ${e.config.preset} · engine ${e.engine === 'onnxruntime' ? `onnxruntime (compiled step) on ${e.device ?? 'CPU'}` : `tfjs (${e.backend})`} · data ${e.dataset} (${e.examples} examples, ${dataText(e)}) · ${e.config.epochs} epochs × ${e.stepsPerEpoch} steps${e.config.maxMinutes ? ` · time budget ${formatDuration(e.config.maxMinutes * 60)}` : ''}`,
    );
    if (e.engineNote) console.log(`engine: TF.js because ${e.engineNote}`);
    if (e.deviceNote) console.log(`provider: ${e.deviceNote}`);
    if (e.resumedAt) console.log(`resuming after epoch ${e.resumedAt.epoch}, step ${e.resumedAt.step}`);
  }

  private step(e: EventOf<'step'>): void {
    if (e.running) {
      const r = e.running;
      this.figures = {
        lossD: fmt(r.lossD),
        lossG: fmt(r.lossG),
        dx: fmt(r.dReal, 2),
        dgz: fmt(r.dFake, 2),
        ips: fmt(r.examplesPerSec, 0),
        aug: augmentText(r),
      };
    }
    if (!this.tty) return;
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `epoch ${e.epoch}/${this.plan?.epochs ?? '?'} [{bar}] {value}/{total} · loss_D {lossD} loss_G {lossG} · D(x) {dx} D(G(z)) {dgz}{aug} · {ips} img/s · run ETA {runEta}`,
          hideCursor: true,
          stream: process.stderr,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(e.stepsPerEpoch, e.stepInEpoch - 1, { ...this.figures, runEta: this.eta(e.step - 1) });
    }
    this.bar.update(e.stepInEpoch, { ...this.figures, runEta: this.eta(e.step) });
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private epoch(e: EventOf<'epoch'>): void {
    this.stopBar();
    const r = e.record;
    const extra = r.extra
      ? '  ' +
        Object.entries(r.extra)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join('  ')
      : '';
    const judged = this.critic
      ? `critic gap D(x)-D(G(z)) ${fmt((r.dReal ?? 0) - (r.dFake ?? 0), 3)}`
      : `acc_D real ${fmt(r.accReal, 2)} fake ${fmt(r.accFake, 2)}`;
    // A part epoch (the time budget ended it) says how far it got, as the card and the plot do.
    const plan = this.plan;
    const part = plan ? r.step - (r.epoch - 1) * plan.stepsPerEpoch : 0;
    const partial =
      plan && part > 0 && part < plan.stepsPerEpoch ? ` (${part}/${plan.stepsPerEpoch} steps)` : '';
    console.log(
      `epoch ${r.epoch}/${e.epochs}${partial}  loss_D ${fmt(r.lossD)}  loss_G ${fmt(r.lossG)}  D(x) ${fmt(r.dReal ?? 0, 2)}  D(G(z)) ${fmt(r.dFake ?? 0, 2)}  ${judged}${augmentText(r).replace(' ·', ' ')}  ${fmt(r.examplesPerSec, 0)} img/s${extra}`,
    );
  }

  private done(e: EventOf<'done'>): void {
    this.stopBar();
    const { result } = e;
    printEstimate(result);
    printQuality(result, this.dataset);
    console.log(
      `${result.interrupted ? 'interrupted after' : result.budgetReached ? 'time budget reached:' : 'done:'} ${epochsDone(result.epochsCompleted, result.steps, this.plan?.stepsPerEpoch ?? Infinity)}, ${result.steps} steps in ${result.wallTimeSec.toFixed(1)}s → ${result.runDir}`,
    );
    if (result.staleExport) console.log(`note: ${result.staleExport.message}`);
    if (result.interrupted) {
      console.log(
        result.checkpoint
          ? `checkpoint at step ${result.steps}: ${result.checkpoint}\ncontinue with: --resume ${result.runDir}`
          : 'no step was done since the start, nothing to save',
      );
    }
  }
}

type TrainResult = EventOf<'done'>['result'];

/** A 2-D Gaussian run: the generated points' mean and covariance against the target's. */
function printEstimate(result: TrainResult): void {
  const est = result.estimate;
  if (!est) return;
  const v = (a: number[]) => `[${a.map((x) => x.toFixed(3)).join(', ')}]`;
  console.log(`mean of 10,000 generated points  ${v(est.mean)}   target b   ${v(est.targetMean)}`);
  console.log(
    `covariance                       ${v(est.cov.flat())}   target AᵀA ${v(est.targetCov.flat())}`,
  );
  console.log(`worst relative error ${(est.worstRelErr * 100).toFixed(1)}%`);
}

/** The image shape the run's model card gives (the evaluator follows it), if the card reads. */
function cardImageShape(runDir: string): number[] | undefined {
  try {
    const out = new RunDir(runDir).readModelCard().output;
    return out.kind === 'image' ? [out.height, out.width, out.channels] : undefined;
  } catch {
    return undefined;
  }
}

/** An image run scored during training: the last scores, and whose features they are in. */
function printQuality(result: TrainResult, dataset: string | undefined): void {
  const scored = result.metrics.filter((m) => m.extra?.['eval.fd'] !== undefined).at(-1)?.extra;
  if (!scored) return;
  const epoch = result.metrics.at(-1)?.epoch;
  const shape = cardImageShape(result.runDir);
  for (const line of qualityLines(scored, epoch, result.runDir, dataset, shape)) console.log(line);
}

/** The progress output for `train`'s onEvent: a live bar on a terminal, unless `quiet`. */
export function reporter(quiet: boolean): (e: TrainEvent) => void {
  const progress = new Progress(Boolean(process.stderr.isTTY) && !quiet);
  return (e) => progress.on(e);
}
