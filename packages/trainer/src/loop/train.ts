/**
 * train(): the training loop, top to bottom. The run is opened (run.ts: its folder, data, models and
 * the engine that runs a step, restored when resuming); each epoch shuffles the data, steps through
 * it reading the figures every few steps and checkpointing when asked, and ends with samples, saved
 * models, a checkpoint, the evaluation and the epoch's record; then the run is finished. Epochs run
 * until the last one, Ctrl-C/SIGTERM or the time budget. Progress goes out as typed events (the CLI
 * turns them into bars and lines).
 */
import { describeFileError, FileWriteError, type MetricsRecord, staleExport } from '@ganforge/contracts';
import type { TrainConfig } from '../config/config';
import { ConfigError } from '../config/errors';
import { zeroSums, type EpochSums } from '../engine/sums';
import { ADA_INTERVAL } from '../gan/ada';
import { resumableCheckpoint } from '../run/checkpoint';
import { shuffledOrder, stepSeed, streamState, type StreamState } from './order';
import { TrainingRun } from './run';
import { appendCurvePoint, writeEpochFiles } from './run-files';
import {
  TrainingError,
  type EpochContext,
  type RunningFigures,
  type TrainOptions,
  type TrainResult,
} from './types';

/** Figures are read back about this many times per epoch (each read waits for the backend). */
const READS_PER_EPOCH = 50;

/** Lets signal handlers (Ctrl-C, SIGTERM) and timers run between steps. */
const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

/** An epoch in progress: the sums at the last curve point, and this session's steps in it. */
interface Epoch {
  n: number;
  /** The seeded stream's state before this epoch's shuffle (what its checkpoints continue from). */
  rngState: StreamState;
  /** Steps done before a resume. */
  skip: number;
  last: EpochSums;
  steps: number;
  startedAt: number;
}

export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  if (options.resume && !config.out) throw new ConfigError('resuming needs the run directory (config.out)');
  const r = await TrainingRun.open(config, options);
  try {
    r.begin();
    const first = r.epochsCompleted + 1;
    for (let n = first; n <= config.epochs && !r.interrupted && !r.budgetReached; n++) {
      const skip = n === first ? r.resumeAt.stepInEpoch : 0;
      const epoch = await trainEpoch(r, { n, rngState: streamState(r.rng), skip });
      if (epoch.steps === 0 && (r.interrupted || r.budgetReached)) continue;
      // Ctrl-C keeps the steps since the last checkpoint; a time budget is a normal end: the epoch
      // so far is recorded, shown and scored.
      if (r.interrupted) await keepInterrupted(r, epoch);
      else await endEpoch(r, epoch, r.budgetReached);
    }
    return await finish(r);
  } catch (e) {
    const err = withResumeHint(r, e);
    try {
      r.writeState('failed', (err as Error).message);
    } catch {
      // The disk that failed the run may refuse this too; the error below says what happened.
    }
    throw err;
  } finally {
    r.dispose();
  }
}

/**
 * A write that failed mid-run (a full disk, a quota) with where the run can continue from: the
 * checkpoint latest.json names is whole (a checkpoint cut short is removed), so --resume takes it.
 */
function withResumeHint(r: TrainingRun, e: unknown): unknown {
  const err = describeFileError(e);
  if (!(err instanceof FileWriteError)) return err;
  return new FileWriteError(`${err.message}; ${resumableCheckpoint(r.run)}`, err.path, err.code);
}

/** One epoch's steps (after `skip` done before a resume); stops early on Ctrl-C or the time budget. */
async function trainEpoch(r: TrainingRun, start: Pick<Epoch, 'n' | 'rngState' | 'skip'>): Promise<Epoch> {
  const { config, engine, stepsPerEpoch } = r;
  const B = config.batchSize;
  const order = shuffledOrder(r.data.count, r.rng);
  for (let s = 0; s < start.skip; s++) stepSeed(r.rng); // the steps done before the resume
  const sums = start.skip > 0 ? r.resumeAt.sums : zeroSums();
  engine.setSums(sums);
  const epoch: Epoch = { ...start, last: sums, steps: 0, startedAt: performance.now() };
  const budgetSec = (config.maxMinutes ?? 0) * 60;
  const totalSteps = config.epochs * stepsPerEpoch;
  // At most READS_PER_EPOCH reads, none more often than every 10 steps (a read waits for the backend).
  const readEvery = Math.max(10, Math.floor(stepsPerEpoch / READS_PER_EPOCH));
  for (let s = start.skip; s < stepsPerEpoch; s++) {
    await yieldToEvents();
    if (r.options.signal?.aborted) {
      r.interrupted = true;
      break;
    }
    // Checked before a step, as the PyTorch reference checks its deadline.
    if (budgetSec > 0 && r.elapsed() >= budgetSec) {
      r.budgetReached = true;
      break;
    }
    const seed = stepSeed(r.rng);
    const batch = r.batch(order.subarray(s * B, (s + 1) * B));
    const generatorStep = r.schedule.isGeneratorStep(r.step);
    const noiseStd = config.instanceNoise * Math.max(0, 1 - r.step / totalSteps);
    await engine.step({
      ...batch,
      seed,
      generatorStep,
      noiseStd,
      ...(r.ada ? { augmentP: r.ada.p } : {}),
      r1: config.r1 > 0 && r.step % config.r1Every === 0,
    });
    r.step++;
    epoch.steps++;
    if (r.ada && r.step % ADA_INTERVAL === 0) r.ada.update(await engine.takeSignal());
    const read = (s + 1) % readEvery === 0 || s + 1 === stepsPerEpoch;
    const running = read ? await readFigures(r, epoch) : undefined;
    r.emit({
      status: 'step',
      epoch: epoch.n,
      stepInEpoch: s + 1,
      stepsPerEpoch,
      step: r.step,
      ...(running ? { running } : {}),
    });
    if (config.checkpointEvery > 0 && r.step % config.checkpointEvery === 0 && s + 1 < stepsPerEpoch) {
      const sums = await r.readSums(epoch.n);
      await r.checkpoint({ epoch: epoch.n - 1, stepInEpoch: s + 1, rngState: epoch.rngState, sums });
    }
  }
  return epoch;
}

/** Appends a curve point (the losses since the last one) and returns the epoch's running means. */
async function readFigures(r: TrainingRun, epoch: Epoch): Promise<RunningFigures> {
  const v = await r.readSums(epoch.n, (s) => (Number.isFinite(s.lossD) ? 'loss_G' : 'loss_D'));
  const { last } = epoch;
  const dG = v.seenG - last.seenG;
  appendCurvePoint(r.run, {
    step: r.step,
    lossD: (v.lossD - last.lossD) / (v.seenD - last.seenD),
    lossG: dG > 0 ? (v.lossG - last.lossG) / dG : null,
    ...augmentFigures(r),
  });
  epoch.last = v;
  return {
    lossD: v.lossD / v.seenD,
    lossG: v.seenG > 0 ? v.lossG / v.seenG : 0,
    dReal: v.dReal / v.seenD,
    dFake: v.dFake / v.seenD,
    examplesPerSec: examplesPerSec(r, epoch),
    ...augmentFigures(r),
  };
}

/** With augmentation: p now, and r_t of the last interval once there is one. */
function augmentFigures(r: TrainingRun): { augmentP?: number; overfitSignal?: number } {
  if (!r.ada) return {};
  const { p, overfitSignal } = r.ada;
  return { augmentP: p, ...(overfitSignal !== undefined ? { overfitSignal } : {}) };
}

const examplesPerSec = (r: TrainingRun, epoch: Epoch) =>
  (epoch.steps * r.config.batchSize) / ((performance.now() - epoch.startedAt) / 1000);

/** Where a checkpoint inside `epoch` continues from. */
const midEpoch = (epoch: Epoch, sums: EpochSums) => ({
  epoch: epoch.n - 1,
  stepInEpoch: epoch.skip + epoch.steps,
  rngState: epoch.rngState,
  sums,
});

/**
 * The epoch's record, samples, saved models, checkpoint, evaluation, card and plot. `partial`: the
 * time budget ended the epoch early; the checkpoint continues it, and it is scored as the run's last.
 */
async function endEpoch(r: TrainingRun, epoch: Epoch, partial: boolean): Promise<void> {
  const { config, run } = r;
  if (!partial && skipsFiles(config, epoch.n)) return endEpochRecordOnly(r, epoch);
  const v = await r.readSums(epoch.n);
  const record = epochRecord(r, epoch, v);
  await r.syncModels();
  if (!(await r.samples.write(run, r.sampler, epoch.n))) {
    throw new TrainingError(`the generator's output became NaN/Inf at step ${r.step} (epoch ${epoch.n})`);
  }
  if (!partial) r.epochsCompleted = epoch.n;
  await r.saveModels();
  await r.checkpoint(
    partial
      ? midEpoch(epoch, v)
      : { epoch: epoch.n, stepInEpoch: 0, rngState: streamState(r.rng), sums: zeroSums() },
  );
  if (r.onEpochEnd) {
    const ctx: EpochContext = {
      epoch: epoch.n,
      step: r.step,
      runDir: run.root,
      config,
      generator: r.sampler,
      ...(partial ? { final: true } : {}),
      ...(r.data.classNames ? { classNames: r.data.classNames } : {}),
    };
    const extra = await r.onEpochEnd(ctx);
    if (extra && Object.keys(extra).length > 0) record.extra = extra;
  }
  r.metrics.push(record);
  const plot = { title: `${config.preset}: losses`, stepsPerEpoch: r.stepsPerEpoch };
  await writeEpochFiles(run, record, r.metrics, plot, r.card());
  r.writeState('running');
  r.emit({ status: 'epoch', record, epochs: config.epochs });
}

/**
 * --epochFilesEvery: an epoch between the ones that write files (samples, saved models, checkpoint)
 * and are scored; the last epoch always writes them, as a time budget's end and Ctrl-C do.
 */
function skipsFiles(config: TrainConfig, n: number): boolean {
  const every = config.epochFilesEvery ?? 1;
  const scored = config.evalEvery !== undefined && config.evalEvery > 0 && n % config.evalEvery === 0;
  return every > 1 && n % every !== 0 && n < config.epochs && !scored;
}

/** The epoch's record, plot and state only; its steps are in the next checkpoint. */
async function endEpochRecordOnly(r: TrainingRun, epoch: Epoch): Promise<void> {
  const v = await r.readSums(epoch.n);
  const record = epochRecord(r, epoch, v);
  r.epochsCompleted = epoch.n;
  r.metrics.push(record);
  const plot = { title: `${r.config.preset}: losses`, stepsPerEpoch: r.stepsPerEpoch };
  await writeEpochFiles(r.run, record, r.metrics, plot, r.card());
  r.writeState('running');
  r.emit({ status: 'epoch', record, epochs: r.config.epochs });
}

/** The epoch's line in metrics.jsonl from its sums. */
function epochRecord(r: TrainingRun, epoch: Epoch, v: EpochSums): MetricsRecord {
  return {
    epoch: epoch.n,
    step: r.step,
    lossD: v.lossD / v.seenD,
    lossG: v.seenG > 0 ? v.lossG / v.seenG : 0,
    accReal: v.realJudgedReal / v.seenD,
    accFake: v.fakeJudgedFake / v.seenD,
    dReal: v.dReal / v.seenD,
    dFake: v.dFake / v.seenD,
    examplesPerSec: examplesPerSec(r, epoch),
    wallTimeSec: r.wall(),
    ...augmentFigures(r),
  };
}

/** Ctrl-C ended an epoch early: keep the steps done since the last checkpoint. */
async function keepInterrupted(r: TrainingRun, epoch: Epoch): Promise<void> {
  await r.checkpoint(midEpoch(epoch, await r.readSums(epoch.n)));
  await r.saveModels();
}

/** The final card (with the 2-D read-out) and state; the result train() returns. */
async function finish(r: TrainingRun): Promise<TrainResult> {
  await r.syncModels();
  const estimate =
    // The d2l read-out compares with X·A + b: the gaussian2d data only.
    r.config.dataset === 'gaussian2d' && r.epochsCompleted > 0 && !r.interrupted
      ? await r.samples.estimate(r.sampler)
      : undefined;
  if (r.epochsCompleted > 0 || (r.budgetReached && r.step > 0)) r.run.writeModelCard(r.card(estimate));
  r.writeState(r.interrupted ? 'interrupted' : 'completed');
  const result = await r.result(estimate);
  const lag = r.run.hasModelCard() ? staleExport(r.run.readModelCard(), r.run.root) : undefined;
  if (lag) result.staleExport = lag;
  r.emit({ status: 'done', result });
  return result;
}
