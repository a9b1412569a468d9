/**
 * The training loop: it reads top to bottom like a training script. Data order, seeds and schedules
 * are decided here; the arithmetic of a step is the engine's (src/engine: the compiled onnxruntime
 * step or TF.js), pictures are samples.ts's, the model card card.ts's, files the run directory's.
 * Progress goes out as typed events (the CLI turns them into bars and lines).
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { initBackend, tf, type BackendName } from './backend';
import { modelCard } from './card';
import {
  checkCombination,
  ConfigError,
  TrainConfigSchema,
  type ConfigOverrides,
  type TrainConfig,
} from './config';
import { criticSchedule } from './critic-schedule';
import { createEngine, type EngineName, type ProfileRow } from './engine';
import { batchValues, loadDataset, type Dataset } from './data/datasets';
import type { GaussianEstimate } from './estimate';
import { epochEvaluator } from './eval/hook';
import { ensureTrainingSupport } from './grad-support';
import { buildModels } from './models';
import { lossCurvePng } from './plots';
import { restoreCheckpoint, writeCheckpoint, type CheckpointModels } from './run/checkpoint';
import { RunDir, RunDirError, writeFileAtomic } from './run/io';
import { FileModelIO } from './run/model-io';
import {
  CurvePointSchema,
  RUN_FILES,
  type CurvePoint,
  type MetricsRecord,
  type RunState,
} from './run/schema';
import { SampleWriter } from './samples';

/** Training cannot go on (e.g. the loss became NaN); the message says what to do. */
export class TrainingError extends Error {
  override name = 'TrainingError';
}

/** Running means since the start of the epoch, read every few steps. */
export interface RunningFigures {
  lossD: number;
  lossG: number;
  dReal: number;
  dFake: number;
  examplesPerSec: number;
}

export type TrainEvent =
  | {
      status: 'start';
      runDir: string;
      backend: BackendName;
      /** What runs the steps, and why it is not the compiled engine when it is not. */
      engine: EngineName;
      engineNote?: string;
      dataset: string;
      examples: number;
      stepsPerEpoch: number;
      config: TrainConfig;
      /** Set when continuing a run: where it continues from. */
      resumedAt?: { epoch: number; step: number };
    }
  | {
      status: 'step';
      epoch: number;
      stepInEpoch: number;
      stepsPerEpoch: number;
      step: number;
      /** Present on the steps where the figures were read back (every few steps). */
      running?: RunningFigures;
    }
  | { status: 'checkpoint'; dir: string; step: number }
  | { status: 'epoch'; record: MetricsRecord; epochs: number }
  | { status: 'done'; result: TrainResult };

/** What an epoch-end hook gets: the generator used for samples (the EMA copy when there is one). */
export interface EpochContext {
  epoch: number;
  step: number;
  runDir: string;
  config: TrainConfig;
  generator: tf.LayersModel;
  classNames?: string[];
  /** The run ends after this (a time budget ended it before its last epoch). */
  final?: boolean;
}

export interface TrainOptions {
  onEvent?: (event: TrainEvent) => void;
  /** Aborting stops after the current step; a checkpoint and the state are still written. */
  signal?: AbortSignal;
  /** Milliseconds clock behind wall time and --maxMinutes (default performance.now). */
  clock?: () => number;
  /** Base for the default run directory (runs/ under it). */
  workspaceRoot?: string;
  /** Replace an existing run directory instead of refusing to touch it. */
  overwrite?: boolean;
  /** Continue the run in `config.out` from its latest checkpoint (see resumeConfig). */
  resume?: boolean;
  /**
   * Called after each epoch's checkpoint; numbers it returns are stored in that epoch's metrics
   * record under `extra` (e.g. evaluation scores).
   */
  onEpochEnd?: (ctx: EpochContext) => Promise<Record<string, number> | void>;
  /** Profile the compiled step (TrainResult.profile: time per operator type). */
  profile?: boolean;
}

export interface TrainResult {
  runDir: string;
  backend: BackendName;
  engine: EngineName;
  epochsCompleted: number;
  steps: number;
  interrupted: boolean;
  /** True when --maxMinutes ended the run before its last epoch. */
  budgetReached: boolean;
  wallTimeSec: number;
  metrics: MetricsRecord[];
  /** The latest checkpoint folder (what --resume continues from). */
  checkpoint?: string;
  /** 2-D runs: the d2l mean/covariance read-out over `evalSamples` generated points. */
  estimate?: GaussianEstimate;
  /** With options.profile and the compiled engine: where the steps' time went. */
  profile?: ProfileRow[];
}

/** Figures are read back about this many times per epoch (each read waits for the backend). */
const READS_PER_EPOCH = 50;
/** Keys a resumed run may change; anything else would not be the same run. */
const RESUME_OVERRIDABLE = [
  'epochs',
  'checkpointEvery',
  'backend',
  'engine',
  'threads',
  'provider',
  'lrD',
  'lrG',
  'maxMinutes',
] as const;

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function defaultRunDir(config: TrainConfig, workspaceRoot: string): string {
  return join(workspaceRoot, 'runs', `${config.preset}-${timestamp()}`);
}

function prepareRunDir(path: string, overwrite: boolean): RunDir {
  const run = new RunDir(path);
  if (overwrite && existsSync(join(run.root, RUN_FILES.state)))
    rmSync(run.root, { recursive: true, force: true });
  if (existsSync(run.root) && readdirSync(run.root).length > 0) {
    throw new RunDirError(
      `run directory ${run.root} already exists and is not empty: pass another --out, or --resume ${run.root} to continue it (nothing was overwritten)`,
    );
  }
  return run;
}

/** The config of a run to continue: its config.json, with only the keys a resume may change overridden. */
export function resumeConfig(runDir: string, overrides: ConfigOverrides = {}): TrainConfig {
  const run = new RunDir(runDir);
  if (!existsSync(run.path(RUN_FILES.config))) {
    throw new RunDirError(
      `cannot resume ${run.root}: no ${RUN_FILES.config} there (is it a GANForge run directory?)`,
    );
  }
  const changed = Object.keys(overrides).filter(
    (k) => k !== 'out' && !(RESUME_OVERRIDABLE as readonly string[]).includes(k),
  );
  if (changed.length > 0) {
    throw new ConfigError(
      `--resume continues a run with its own config; ${changed.map((k) => `--${k}`).join(', ')} cannot change (only ${RESUME_OVERRIDABLE.join(', ')} can)`,
    );
  }
  const parsed = TrainConfigSchema.safeParse({ ...run.readConfig(), ...overrides, out: run.root });
  if (!parsed.success) {
    throw new ConfigError(
      `${run.path(RUN_FILES.config)} is not a valid config: ${parsed.error.issues[0]?.message}`,
    );
  }
  checkCombination(parsed.data);
  return parsed.data;
}

function makeOptimizer(config: TrainConfig, lr: number): tf.Optimizer {
  // PyTorch's Adam epsilon (1e-8), so the reference figures compare like for like.
  if (config.optimizer === 'rmsprop') return tf.train.rmsprop(lr, 0.99, 0, 1e-8);
  return tf.train.adam(lr, config.beta1, config.beta2, 1e-8);
}

function readCurve(run: RunDir): CurvePoint[] {
  const p = run.path(RUN_FILES.curve);
  if (!existsSync(p)) return [];
  const out: CurvePoint[] = [];
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = CurvePointSchema.safeParse(JSON.parse(line));
      if (r.success) out.push(r.data);
    } catch {
      // a partial last line from an interrupted write
    }
  }
  return out;
}

/** Lets signal handlers (Ctrl-C, SIGTERM) and timers run between steps. */
const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

/** The models and optimizers of a run (the EMA copy of G is what samples and the export use). */
function buildTrainingModels(
  config: TrainConfig,
  data: Dataset,
): CheckpointModels & {
  optimizers: { d: tf.Optimizer; g: tf.Optimizer };
} {
  const spec = { shape: data.shape, numClasses: data.classNames?.length ?? 0 };
  const { generator, discriminator } = buildModels(tf, config, spec);
  let ema: tf.LayersModel | undefined;
  if (config.emaDecay > 0) {
    const copy = buildModels(tf, config, spec);
    copy.discriminator.dispose();
    ema = copy.generator;
    ema.setWeights(generator.getWeights());
  }
  const optimizers = { d: makeOptimizer(config, config.lrD), g: makeOptimizer(config, config.lrG) };
  return { generator, discriminator, ...(ema ? { ema } : {}), optimizers };
}

/** Where an epoch stands: the running sums and the counts behind them. */
interface EpochTally {
  seenD: number;
  seenG: number;
  /** The last figures written to the curve file. */
  last: { values: number[]; seenD: number; seenG: number };
  stepsThisRun: number;
  startedAt: number;
}

class Training {
  readonly run: RunDir;
  readonly clock: () => number;
  readonly t0: number;
  readonly startedAt = new Date();
  step = 0;
  epochsCompleted = 0;
  interrupted = false;
  budgetReached = false;
  lastCheckpoint: string | undefined;
  metrics: MetricsRecord[] = [];
  priorWallTime = 0;
  rng = seedrandom.alea('', { state: true });
  resumeAt = { stepInEpoch: 0, sums: undefined as number[] | undefined };
  backend: BackendName = 'wasm';
  engineName: EngineName = 'tfjs';

  constructor(
    readonly config: TrainConfig,
    readonly options: TrainOptions,
    root: string,
  ) {
    this.run = options.resume
      ? new RunDir(resolve(root, config.out!))
      : prepareRunDir(
          config.out ? resolve(root, config.out) : defaultRunDir(config, root),
          options.overwrite ?? false,
        );
    this.rng = seedrandom.alea(`train:${config.seed}`, { state: true });
    this.clock = options.clock ?? (() => performance.now());
    this.t0 = this.clock();
  }

  elapsed = () => (this.clock() - this.t0) / 1000;
  wall = () => this.priorWallTime + this.elapsed();
  nextSeed = () => Math.floor(this.rng() * 2 ** 31);
  emit = (e: TrainEvent) => this.options.onEvent?.(e);

  state(status: RunState['status'], error?: string): RunState {
    return {
      status,
      epoch: this.epochsCompleted,
      epochs: this.config.epochs,
      step: this.step,
      seed: this.config.seed,
      backend: this.backend,
      engine: this.engineName,
      startedAt: this.startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
      wallTimeSec: this.wall(),
      ...(error ? { error } : {}),
    };
  }

  /** Loads the latest checkpoint into `models` and picks the run up where it stopped. */
  async restore(models: CheckpointModels): Promise<void> {
    const info = await restoreCheckpoint(tf, this.run, models);
    this.epochsCompleted = info.epoch;
    this.step = info.step;
    this.resumeAt = { stepInEpoch: info.stepInEpoch, sums: info.sums };
    this.rng = seedrandom.alea('', { state: info.rngState as seedrandom.State.Alea });
    this.lastCheckpoint = join(this.run.path(RUN_FILES.checkpointDir), info.dir);
    const all = this.run.readMetrics();
    this.metrics = all.filter((m) => m.epoch <= info.epoch);
    // A time budget's record of a part epoch: that epoch is continued now and recorded whole.
    if (this.metrics.length < all.length) this.run.writeMetrics(this.metrics);
    try {
      this.priorWallTime = this.run.readState().wallTimeSec;
    } catch {
      this.priorWallTime = 0;
    }
  }

  diverged(what: string, epoch: number): TrainingError {
    return new TrainingError(
      `${what} became NaN/Inf at step ${this.step} (epoch ${epoch}): training stopped. ${
        this.lastCheckpoint
          ? `The last good checkpoint is kept in ${this.lastCheckpoint}; continue from it with --resume ${this.run.root} and a lower --lrD/--lrG`
          : 'No checkpoint was written yet; lower --lrD/--lrG (or check the data) and start again'
      }.`,
    );
  }
}

export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  if (options.resume && !config.out) throw new ConfigError('resuming needs the run directory (config.out)');
  const t = new Training(config, options, options.workspaceRoot ?? process.cwd());
  const { run } = t;
  t.backend = await initBackend(config.backend === 'auto' ? undefined : config.backend);
  ensureTrainingSupport(tf, t.backend);
  const data = await loadDataset({
    dataset: config.dataset,
    labels: config.labels,
    limit: config.limit,
    imageSize: config.imageSize,
    channels: config.channels,
    seed: config.seed,
    needLabels: config.conditional,
  });
  const B = config.batchSize;
  if (data.count < B) {
    throw new RunDirError(
      `the dataset has ${data.count} examples, fewer than one batch (${B}): lower --batchSize`,
    );
  }
  const models = buildTrainingModels(config, data);
  const { generator, discriminator, ema } = models;
  const sampler = ema ?? generator;
  if (options.resume) await t.restore(models);
  const engine = await createEngine(
    tf,
    {
      generator,
      discriminator,
      ...(ema ? { ema } : {}),
      optD: models.optimizers.d,
      optG: models.optimizers.g,
    },
    config,
    {
      batch: B,
      dataShape: data.shape,
      numClasses: data.classNames?.length ?? 0,
      ...(options.profile ? { profile: true } : {}),
    },
  );
  t.engineName = engine.name;
  const samples = new SampleWriter(tf, config, data);

  const stepsPerEpoch = Math.floor(data.count / B);
  const totalSteps = config.epochs * stepsPerEpoch;
  const schedule = criticSchedule(config.dSteps, config.criticBoost);
  const budgetSec = (config.maxMinutes ?? 0) * 60;
  // At most READS_PER_EPOCH reads, none more often than every 10 steps (a read waits for the backend).
  const readEvery = Math.max(10, Math.floor(stepsPerEpoch / READS_PER_EPOCH));
  const onEpochEnd =
    options.onEpochEnd ??
    ((config.evalEvery ?? 0) > 0
      ? epochEvaluator({ every: config.evalEvery!, epochs: config.epochs })
      : undefined);
  const batchBuf = new Float32Array(B * data.shape.reduce((a, b) => a * b, 1));
  const labelBuf = new Int32Array(B);

  const card = (estimate?: GaussianEstimate) =>
    modelCard({
      name: run.root.split(/[\\/]/).pop() ?? 'run',
      config,
      data,
      engine: engine.name,
      epochs: t.epochsCompleted,
      steps: t.step,
      wallTimeSec: t.wall(),
      generatorParams: generator.countParams(),
      discriminatorParams: discriminator.countParams(),
      metrics: t.metrics,
      ...(estimate ? { estimate } : {}),
    });
  const writeSamples = async (epoch: number) => {
    if (!(await samples.write(run, sampler, epoch))) {
      throw new TrainingError(`the generator's output became NaN/Inf at step ${t.step} (epoch ${epoch})`);
    }
  };
  /** The engine's state into the TF.js models, then models and optimizers into checkpoint/. */
  const checkpoint = async (info: {
    epoch: number;
    stepInEpoch: number;
    rngState: object;
    sums: number[];
  }) => {
    await engine.sync();
    t.lastCheckpoint = await writeCheckpoint(run, models, {
      ...info,
      step: t.step,
      rngState: info.rngState as Record<string, number>,
      ema: Boolean(ema),
    });
    t.emit({ status: 'checkpoint', dir: t.lastCheckpoint, step: t.step });
  };
  const saveModels = async () => {
    // The run's generator/ is what gets exported and shown: the EMA copy when there is one.
    await sampler.save(new FileModelIO(run.path(RUN_FILES.generatorDir)));
    await discriminator.save(new FileModelIO(run.path(RUN_FILES.discriminatorDir)));
  };

  if (!options.resume) {
    run.writeConfig({ ...config, out: run.root });
    const real = samples.realPairs();
    if (real) run.writeRealPoints(real);
  }
  run.writeState(t.state('running'));
  t.emit({
    status: 'start',
    runDir: run.root,
    backend: t.backend,
    engine: engine.name,
    ...(engine.note ? { engineNote: engine.note } : {}),
    dataset: data.name,
    examples: data.count,
    stepsPerEpoch,
    config,
    ...(options.resume ? { resumedAt: { epoch: t.epochsCompleted, step: t.step } } : {}),
  });

  /** Appends a curve point and returns the running figures (a read of the engine's sums). */
  const readFigures = async (tally: EpochTally, epoch: number): Promise<RunningFigures> => {
    const v = await engine.readSums();
    if (!v.every(Number.isFinite)) throw t.diverged(Number.isFinite(v[0]!) ? 'loss_G' : 'loss_D', epoch);
    const dD = tally.seenD - tally.last.seenD;
    const dG = tally.seenG - tally.last.seenG;
    const point: CurvePoint = {
      step: t.step,
      lossD: (v[0]! - tally.last.values[0]!) / dD,
      lossG: dG > 0 ? (v[1]! - tally.last.values[1]!) / dG : null,
    };
    appendFileSync(run.path(RUN_FILES.curve), JSON.stringify(point) + '\n');
    tally.last = { values: v, seenD: tally.seenD, seenG: tally.seenG };
    return {
      lossD: v[0]! / tally.seenD,
      lossG: tally.seenG > 0 ? v[1]! / tally.seenG : 0,
      dReal: v[4]! / tally.seenD,
      dFake: v[5]! / tally.seenD,
      examplesPerSec: (tally.stepsThisRun * B) / ((performance.now() - tally.startedAt) / 1000),
    };
  };
  const sumsOrThrow = async (epoch: number) => {
    const v = await engine.readSums();
    if (!v.every(Number.isFinite)) throw t.diverged('the loss', epoch);
    return v;
  };

  /** One epoch's steps; returns the tally, stopping early on Ctrl-C or the time budget. */
  const runEpoch = async (epoch: number, epochRngState: Record<string, number>, skip: number) => {
    // Fisher-Yates with the seeded stream, so a seed fixes the batch order too.
    const perm = Int32Array.from({ length: data.count }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(t.rng() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    for (let s = 0; s < skip; s++) t.nextSeed(); // the steps done before the resume
    // lossD·n, lossG·n, real correct, fake correct, ΣD(x), ΣD(G(z)) and the counts behind them.
    const prior = skip > 0 && t.resumeAt.sums ? t.resumeAt.sums : [0, 0, 0, 0, 0, 0, 0, 0];
    engine.setSums(prior.slice(0, 6));
    const tally: EpochTally = {
      seenD: prior[6]!,
      seenG: prior[7]!,
      last: { values: prior.slice(0, 6), seenD: prior[6]!, seenG: prior[7]! },
      stepsThisRun: 0,
      startedAt: performance.now(),
    };
    for (let s = skip; s < stepsPerEpoch; s++) {
      await yieldToEvents();
      if (options.signal?.aborted) {
        t.interrupted = true;
        break;
      }
      // Checked before a step, as the PyTorch reference checks its deadline.
      if (budgetSec > 0 && t.elapsed() >= budgetSec) {
        t.budgetReached = true;
        break;
      }
      const seed = t.nextSeed();
      const idx = perm.subarray(s * B, (s + 1) * B);
      if (config.conditional) for (let i = 0; i < B; i++) labelBuf[i] = data.labels![idx[i]!]!;
      const generatorStep = schedule.isGeneratorStep(t.step);
      await engine.step({
        x: batchValues(data, idx, batchBuf),
        ...(config.conditional ? { labels: labelBuf } : {}),
        seed,
        generatorStep,
        noiseStd: config.instanceNoise * Math.max(0, 1 - t.step / totalSteps),
      });
      t.step++;
      tally.stepsThisRun++;
      tally.seenD += B;
      if (generatorStep) tally.seenG += B;
      const read = (s + 1) % readEvery === 0 || s + 1 === stepsPerEpoch;
      const running = read ? await readFigures(tally, epoch) : undefined;
      t.emit({
        status: 'step',
        epoch,
        stepInEpoch: s + 1,
        stepsPerEpoch,
        step: t.step,
        ...(running ? { running } : {}),
      });
      if (config.checkpointEvery > 0 && t.step % config.checkpointEvery === 0 && s + 1 < stepsPerEpoch) {
        const v = await sumsOrThrow(epoch);
        await checkpoint({
          epoch: epoch - 1,
          stepInEpoch: s + 1,
          rngState: epochRngState,
          sums: [...v, tally.seenD, tally.seenG],
        });
      }
    }
    return tally;
  };

  /**
   * The epoch's record, samples, saved models, checkpoint, evaluation, card and plot. `partial`: the
   * time budget ended the epoch early; the checkpoint continues it, and the evaluation runs as the run's last.
   */
  const endEpoch = async (
    epoch: number,
    tally: EpochTally,
    partial?: { skip: number; epochRngState: Record<string, number> },
  ) => {
    const v = await sumsOrThrow(epoch);
    const [lossD = 0, lossG = 0, realOk = 0, fakeOk = 0, dReal = 0, dFake = 0] = v;
    const record: MetricsRecord = {
      epoch,
      step: t.step,
      lossD: lossD / tally.seenD,
      lossG: tally.seenG > 0 ? lossG / tally.seenG : 0,
      accReal: realOk / tally.seenD,
      accFake: fakeOk / tally.seenD,
      dReal: dReal / tally.seenD,
      dFake: dFake / tally.seenD,
      examplesPerSec: (tally.stepsThisRun * B) / ((performance.now() - tally.startedAt) / 1000),
      wallTimeSec: t.wall(),
    };
    await engine.sync();
    await writeSamples(epoch);
    if (!partial) t.epochsCompleted = epoch;
    await saveModels();
    await checkpoint(
      partial
        ? {
            epoch: epoch - 1,
            stepInEpoch: partial.skip + tally.stepsThisRun,
            rngState: partial.epochRngState,
            sums: [...v, tally.seenD, tally.seenG],
          }
        : {
            epoch,
            stepInEpoch: 0,
            rngState: t.rng.state() as Record<string, number>,
            sums: [0, 0, 0, 0, 0, 0, 0, 0],
          },
    );
    if (onEpochEnd) {
      const extra = await onEpochEnd({
        epoch,
        step: t.step,
        runDir: run.root,
        config,
        generator: sampler,
        ...(partial ? { final: true } : {}),
        ...(data.classNames ? { classNames: data.classNames } : {}),
      });
      if (extra && Object.keys(extra).length > 0) record.extra = extra;
    }
    t.metrics.push(record);
    await run.appendMetrics(record);
    writeFileAtomic(
      run.path(RUN_FILES.losses),
      await lossCurvePng(readCurve(run), t.metrics, `${config.preset}: losses`),
    );
    run.writeModelCard(card());
    run.writeState(t.state('running'));
    t.emit({ status: 'epoch', record, epochs: config.epochs });
  };

  /** Ctrl-C ended an epoch early: keep the steps done since the last checkpoint. */
  const endInterrupted = async (
    epoch: number,
    tally: EpochTally,
    skip: number,
    epochRngState: Record<string, number>,
  ) => {
    if (tally.stepsThisRun === 0) return;
    const v = await sumsOrThrow(epoch);
    await checkpoint({
      epoch: epoch - 1,
      stepInEpoch: skip + tally.stepsThisRun,
      rngState: epochRngState,
      sums: [...v, tally.seenD, tally.seenG],
    });
    await saveModels();
  };

  try {
    const firstEpoch = t.epochsCompleted + 1;
    for (let epoch = firstEpoch; epoch <= config.epochs && !t.interrupted && !t.budgetReached; epoch++) {
      const epochRngState = t.rng.state() as Record<string, number>;
      const skip = epoch === firstEpoch ? t.resumeAt.stepInEpoch : 0;
      const tally = await runEpoch(epoch, epochRngState, skip);
      if (t.interrupted) {
        await endInterrupted(epoch, tally, skip, epochRngState);
        break;
      }
      if (t.budgetReached) {
        // A time budget is a normal end: the epoch so far is recorded, shown and scored.
        if (tally.stepsThisRun > 0) await endEpoch(epoch, tally, { skip, epochRngState });
        break;
      }
      await endEpoch(epoch, tally);
    }
    await engine.sync();
    const estimate =
      data.kind === 'points' && t.epochsCompleted > 0 && !t.interrupted
        ? await samples.estimate(sampler)
        : undefined;
    if (t.epochsCompleted > 0 || (t.budgetReached && t.step > 0)) run.writeModelCard(card(estimate));
    run.writeState(t.state(t.interrupted ? 'interrupted' : 'completed'));
    const profile = options.profile ? await engine.profile?.() : undefined;
    const result: TrainResult = {
      ...(profile?.length ? { profile } : {}),
      runDir: run.root,
      backend: t.backend,
      engine: engine.name,
      epochsCompleted: t.epochsCompleted,
      steps: t.step,
      interrupted: t.interrupted,
      budgetReached: t.budgetReached,
      wallTimeSec: t.elapsed(),
      metrics: t.metrics,
      ...(t.lastCheckpoint ? { checkpoint: t.lastCheckpoint } : {}),
      ...(estimate ? { estimate } : {}),
    };
    t.emit({ status: 'done', result });
    return result;
  } catch (e) {
    run.writeState(t.state('failed', (e as Error).message));
    throw e;
  } finally {
    samples.dispose();
    engine.dispose();
    generator.dispose();
    discriminator.dispose();
    ema?.dispose();
    models.optimizers.d.dispose();
    models.optimizers.g.dispose();
  }
}
