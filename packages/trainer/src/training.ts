/**
 * One training run: what train() opens, steps through and finishes. It owns the run directory, the
 * data order, seeds and schedules, and the progress counters; the arithmetic of a step belongs to
 * the engine, pictures to samples.ts, the model card to card.ts.
 */
import { accessSync, appendFileSync, constants, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { initBackend, tf, type BackendName } from './backend';
import { modelCard } from './card';
import type { TrainConfig } from './config';
import { criticSchedule, type CriticSchedule } from './critic-schedule';
import { createEngine, type TrainEngine } from './engine';
import { batchValues, loadDataset, pointsFilePath, type Dataset } from './data/datasets';
import { isPointsFile } from './data/points2d';
import type { GaussianEstimate } from './estimate';
import { epochEvaluator } from './eval/hook';
import { ensureTrainingSupport } from './grad-support';
import { buildModels } from './models';
import { lossCurvePng } from './plots';
import { recalibrateBatchNorm } from './regularisers';
import { restoreCheckpoint, writeCheckpoint, type CheckpointModels } from './run/checkpoint';
import {
  type CurvePoint,
  type MetricsRecord,
  RUN_FILES,
  RunDir,
  RunDirError,
  type RunState,
  UserError,
  writeFailure,
  writeFileAtomic,
} from '@ganforge/contracts';
import { FileModelIO } from './run/model-io';
import { SampleWriter } from './samples';
import type { EpochContext, RunningFigures, TrainEvent, TrainOptions, TrainResult } from './train';

/** Training cannot go on (e.g. the loss became NaN); the message says what to do. */
export class TrainingError extends UserError {
  override name = 'TrainingError';
}

/** Figures are read back about this many times per epoch (each read waits for the backend). */
const READS_PER_EPOCH = 50;
/** Latent batches an EMA generator's BatchNorm statistics are averaged over. */
const EMA_BN_BATCHES = 20;

/**
 * Refuses an --out that cannot become a run folder before any work starts: a file, or a place on a
 * read-only disk or without write permission (the nearest existing folder is asked, so the error gives
 * the real cause rather than what a recursive mkdir reports).
 */
function assertWritableFolder(root: string): void {
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new RunDirError(`--out ${root} is a file, not a folder: pass a folder path for the run`);
  }
  let nearest = root;
  while (!existsSync(nearest)) nearest = dirname(nearest);
  if (!statSync(nearest).isDirectory()) {
    throw new RunDirError(
      `--out ${root} is inside ${nearest}, which is a file: pass a folder path for the run`,
    );
  }
  try {
    accessSync(nearest, constants.W_OK);
  } catch (e) {
    throw writeFailure(root, e);
  }
}

function prepareRunDir(path: string, overwrite: boolean): RunDir {
  const run = new RunDir(path);
  if (overwrite && existsSync(join(run.root, RUN_FILES.state)))
    rmSync(run.root, { recursive: true, force: true });
  assertWritableFolder(run.root);
  if (existsSync(run.root) && readdirSync(run.root).length > 0) {
    throw new RunDirError(
      `run directory ${run.root} already exists and is not empty: pass another --out, or --resume ${run.root} to continue it (nothing was overwritten)`,
    );
  }
  return run;
}

function makeOptimizer(config: TrainConfig, lr: number): tf.Optimizer {
  // PyTorch's Adam epsilon (1e-8), so the reference figures compare like for like.
  if (config.optimizer === 'rmsprop') return tf.train.rmsprop(lr, 0.99, 0, 1e-8);
  return tf.train.adam(lr, config.beta1, config.beta2, 1e-8);
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

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function defaultRunDir(config: TrainConfig, workspaceRoot: string): string {
  return join(workspaceRoot, 'runs', `${config.preset}-${timestamp()}`);
}

/** Where an epoch stands: the counts behind the engine's running sums. */
export interface EpochTally {
  seenD: number;
  seenG: number;
  /** The last figures written to the curve file. */
  last: { values: number[]; seenD: number; seenG: number };
  stepsThisRun: number;
  startedAt: number;
}

type Models = ReturnType<typeof buildTrainingModels>;
type RngState = Record<string, number>;

export class TrainingRun {
  readonly startedAt = new Date();
  readonly t0: number;
  readonly clock: () => number;
  step = 0;
  epochsCompleted = 0;
  interrupted = false;
  budgetReached = false;
  lastCheckpoint: string | undefined;
  metrics: MetricsRecord[] = [];
  priorWallTime = 0;
  rng = seedrandom.alea('', { state: true });
  resumeAt = { stepInEpoch: 0, sums: undefined as number[] | undefined };

  private readonly B: number;
  private readonly stepsPerEpoch: number;
  private readonly schedule: CriticSchedule;
  private readonly readEvery: number;
  private readonly onEpochEnd: TrainOptions['onEpochEnd'];
  private readonly batchBuf: Float32Array;
  private readonly labelBuf: Int32Array;
  /** What samples and the export use: the EMA copy of G when there is one. */
  private readonly sampler: tf.LayersModel;

  private constructor(
    readonly config: TrainConfig,
    readonly options: TrainOptions,
    readonly run: RunDir,
    readonly backend: BackendName,
    readonly data: Dataset,
    readonly models: Models,
    readonly samples: SampleWriter,
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.t0 = this.clock();
    this.rng = seedrandom.alea(`train:${config.seed}`, { state: true });
    this.B = config.batchSize;
    this.stepsPerEpoch = Math.floor(data.count / this.B);
    this.schedule = criticSchedule(config.dSteps, config.criticBoost);
    // At most READS_PER_EPOCH reads, none more often than every 10 steps (a read waits for the backend).
    this.readEvery = Math.max(10, Math.floor(this.stepsPerEpoch / READS_PER_EPOCH));
    this.onEpochEnd =
      options.onEpochEnd ??
      ((config.evalEvery ?? 0) > 0
        ? epochEvaluator({ every: config.evalEvery!, epochs: config.epochs })
        : undefined);
    this.batchBuf = new Float32Array(this.B * data.shape.reduce((a, b) => a * b, 1));
    this.labelBuf = new Int32Array(this.B);
    this.sampler = models.ema ?? models.generator;
  }

  /** The engine, set once the models hold their (restored) weights. */
  private engine!: TrainEngine;
  /** The step the TF.js models were last synced (and the EMA recalibrated) at. */
  private syncedAt = -1;

  /** Run directory, backend, data, models (restored when resuming) and the engine. */
  static async open(config: TrainConfig, options: TrainOptions): Promise<TrainingRun> {
    const root = options.workspaceRoot ?? process.cwd();
    const run = options.resume
      ? new RunDir(resolve(root, config.out!))
      : prepareRunDir(
          config.out ? resolve(root, config.out) : defaultRunDir(config, root),
          options.overwrite ?? false,
        );
    const backend = await initBackend(config.backend === 'auto' ? undefined : config.backend);
    ensureTrainingSupport(tf, backend);
    const data = await loadDataset({
      dataset: config.dataset,
      labels: config.labels,
      limit: config.limit,
      imageSize: config.imageSize,
      channels: config.channels,
      seed: config.seed,
      needLabels: config.conditional,
      // A resumed run's relative points file is its own (the playground's archive carries it there).
      baseDir: options.resume ? run.root : root,
    });
    if (data.count < config.batchSize) {
      throw new RunDirError(
        `the dataset has ${data.count} examples, fewer than one batch (${config.batchSize}): lower --batchSize`,
      );
    }
    const models = buildTrainingModels(config, data);
    const t = new TrainingRun(
      config,
      options,
      run,
      backend,
      data,
      models,
      new SampleWriter(tf, config, data),
    );
    try {
      if (options.resume) await t.restore();
      const { generator, discriminator, ema, optimizers } = models;
      t.engine = await createEngine(
        tf,
        { generator, discriminator, ...(ema ? { ema } : {}), optD: optimizers.d, optG: optimizers.g },
        config,
        {
          batch: config.batchSize,
          dataShape: data.shape,
          numClasses: data.classNames?.length ?? 0,
          ...(options.profile ? { profile: true } : {}),
        },
      );
    } catch (e) {
      t.dispose();
      throw e;
    }
    return t;
  }

  elapsed = () => (this.clock() - this.t0) / 1000;
  wall = () => this.priorWallTime + this.elapsed();
  rngState = () => this.rng.state() as RngState;
  private nextSeed = () => Math.floor(this.rng() * 2 ** 31);
  private emit = (e: TrainEvent) => this.options.onEvent?.(e);

  private state(status: RunState['status'], error?: string): RunState {
    return {
      status,
      epoch: this.epochsCompleted,
      epochs: this.config.epochs,
      step: this.step,
      seed: this.config.seed,
      backend: this.backend,
      ...(this.engine ? { engine: this.engine.name } : {}),
      startedAt: this.startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
      wallTimeSec: this.wall(),
      ...(error ? { error } : {}),
    };
  }

  /** Loads the latest checkpoint into the models and picks the run up where it stopped. */
  private async restore(): Promise<void> {
    const info = await restoreCheckpoint(tf, this.run, this.models);
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

  /** Writes the config (new runs), the real points (2-D) and the state, and says where it starts. */
  begin(): void {
    const { run, config, data, engine } = this;
    if (!this.options.resume) {
      // A points file given relative to where the run started is recorded absolute, so a resume finds it.
      const dataset = isPointsFile(config.dataset)
        ? pointsFilePath(config.dataset, this.options.workspaceRoot ?? process.cwd())
        : config.dataset;
      run.writeConfig({ ...config, dataset, out: run.root });
      const real = this.samples.realPairs();
      if (real) run.writeRealPoints(real);
    }
    run.writeState(this.state('running'));
    this.emit({
      status: 'start',
      runDir: run.root,
      backend: this.backend,
      engine: engine.name,
      ...(engine.note ? { engineNote: engine.note } : {}),
      dataset: data.name,
      examples: data.count,
      stepsPerEpoch: this.stepsPerEpoch,
      config,
      ...(this.options.resume ? { resumedAt: { epoch: this.epochsCompleted, step: this.step } } : {}),
    });
  }

  /** One epoch's steps (after `skip` done before a resume); stops early on Ctrl-C or the time budget. */
  async runEpoch(epoch: number, skip: number, epochRng: RngState): Promise<EpochTally> {
    const { config, data, engine, B } = this;
    // Fisher-Yates with the seeded stream, so a seed fixes the batch order too.
    const perm = Int32Array.from({ length: data.count }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    for (let s = 0; s < skip; s++) this.nextSeed(); // the steps done before the resume
    // lossD·n, lossG·n, real correct, fake correct, ΣD(x), ΣD(G(z)) and the counts behind them.
    const prior = skip > 0 && this.resumeAt.sums ? this.resumeAt.sums : [0, 0, 0, 0, 0, 0, 0, 0];
    engine.setSums(prior.slice(0, 6));
    const tally: EpochTally = {
      seenD: prior[6]!,
      seenG: prior[7]!,
      last: { values: prior.slice(0, 6), seenD: prior[6]!, seenG: prior[7]! },
      stepsThisRun: 0,
      startedAt: performance.now(),
    };
    const budgetSec = (config.maxMinutes ?? 0) * 60;
    const totalSteps = config.epochs * this.stepsPerEpoch;
    for (let s = skip; s < this.stepsPerEpoch; s++) {
      await yieldToEvents();
      if (this.options.signal?.aborted) {
        this.interrupted = true;
        break;
      }
      // Checked before a step, as the PyTorch reference checks its deadline.
      if (budgetSec > 0 && this.elapsed() >= budgetSec) {
        this.budgetReached = true;
        break;
      }
      const seed = this.nextSeed();
      const idx = perm.subarray(s * B, (s + 1) * B);
      if (config.conditional) for (let i = 0; i < B; i++) this.labelBuf[i] = data.labels![idx[i]!]!;
      const generatorStep = this.schedule.isGeneratorStep(this.step);
      await engine.step({
        x: batchValues(data, idx, this.batchBuf),
        ...(config.conditional ? { labels: this.labelBuf } : {}),
        seed,
        generatorStep,
        noiseStd: config.instanceNoise * Math.max(0, 1 - this.step / totalSteps),
      });
      this.step++;
      tally.stepsThisRun++;
      tally.seenD += B;
      if (generatorStep) tally.seenG += B;
      const read = (s + 1) % this.readEvery === 0 || s + 1 === this.stepsPerEpoch;
      const running = read ? await this.readFigures(tally, epoch) : undefined;
      this.emit({
        status: 'step',
        epoch,
        stepInEpoch: s + 1,
        stepsPerEpoch: this.stepsPerEpoch,
        step: this.step,
        ...(running ? { running } : {}),
      });
      if (
        config.checkpointEvery > 0 &&
        this.step % config.checkpointEvery === 0 &&
        s + 1 < this.stepsPerEpoch
      ) {
        const v = await this.sumsOrThrow(epoch);
        await this.checkpoint({
          epoch: epoch - 1,
          stepInEpoch: s + 1,
          rngState: epochRng,
          sums: [...v, tally.seenD, tally.seenG],
        });
      }
    }
    return tally;
  }

  /**
   * The epoch's record, samples, saved models, checkpoint, evaluation, card and plot. `partial`: the
   * time budget ended the epoch early; the checkpoint continues it, and it is scored as the run's last.
   */
  async endEpoch(
    epoch: number,
    tally: EpochTally,
    partial?: { skip: number; rngState: RngState },
  ): Promise<void> {
    const { run, config, data } = this;
    const v = await this.sumsOrThrow(epoch);
    const [lossD = 0, lossG = 0, realOk = 0, fakeOk = 0, dReal = 0, dFake = 0] = v;
    const record: MetricsRecord = {
      epoch,
      step: this.step,
      lossD: lossD / tally.seenD,
      lossG: tally.seenG > 0 ? lossG / tally.seenG : 0,
      accReal: realOk / tally.seenD,
      accFake: fakeOk / tally.seenD,
      dReal: dReal / tally.seenD,
      dFake: dFake / tally.seenD,
      examplesPerSec: (tally.stepsThisRun * this.B) / ((performance.now() - tally.startedAt) / 1000),
      wallTimeSec: this.wall(),
    };
    await this.syncModels();
    await this.writeSamples(epoch);
    if (!partial) this.epochsCompleted = epoch;
    await this.saveModels();
    await this.checkpoint(
      partial
        ? {
            epoch: epoch - 1,
            stepInEpoch: partial.skip + tally.stepsThisRun,
            rngState: partial.rngState,
            sums: [...v, tally.seenD, tally.seenG],
          }
        : { epoch, stepInEpoch: 0, rngState: this.rngState(), sums: [0, 0, 0, 0, 0, 0, 0, 0] },
    );
    if (this.onEpochEnd) {
      const ctx: EpochContext = {
        epoch,
        step: this.step,
        runDir: run.root,
        config,
        generator: this.sampler,
        ...(partial ? { final: true } : {}),
        ...(data.classNames ? { classNames: data.classNames } : {}),
      };
      const extra = await this.onEpochEnd(ctx);
      if (extra && Object.keys(extra).length > 0) record.extra = extra;
    }
    this.metrics.push(record);
    await run.appendMetrics(record);
    writeFileAtomic(
      run.path(RUN_FILES.losses),
      await lossCurvePng(
        run.readCurve(),
        this.metrics,
        `${config.preset}: losses`,
        undefined,
        undefined,
        this.stepsPerEpoch,
      ),
    );
    run.writeModelCard(this.card());
    run.writeState(this.state('running'));
    this.emit({ status: 'epoch', record, epochs: config.epochs });
  }

  /** Ctrl-C ended an epoch early: keep the steps done since the last checkpoint. */
  async keepInterrupted(epoch: number, tally: EpochTally, skip: number, rngState: RngState): Promise<void> {
    if (tally.stepsThisRun === 0) return;
    const v = await this.sumsOrThrow(epoch);
    await this.checkpoint({
      epoch: epoch - 1,
      stepInEpoch: skip + tally.stepsThisRun,
      rngState,
      sums: [...v, tally.seenD, tally.seenG],
    });
    await this.saveModels();
  }

  /** The final card (with the 2-D read-out) and state; the result train() returns. */
  async finish(): Promise<TrainResult> {
    await this.syncModels();
    const estimate =
      // The d2l read-out compares with X·A + b: the gaussian2d data only.
      this.config.dataset === 'gaussian2d' && this.epochsCompleted > 0 && !this.interrupted
        ? await this.samples.estimate(this.sampler)
        : undefined;
    if (this.epochsCompleted > 0 || (this.budgetReached && this.step > 0))
      this.run.writeModelCard(this.card(estimate));
    this.run.writeState(this.state(this.interrupted ? 'interrupted' : 'completed'));
    const profile = this.options.profile ? await this.engine.profile?.() : undefined;
    const result: TrainResult = {
      ...(profile?.length ? { profile } : {}),
      runDir: this.run.root,
      backend: this.backend,
      engine: this.engine.name,
      epochsCompleted: this.epochsCompleted,
      steps: this.step,
      interrupted: this.interrupted,
      budgetReached: this.budgetReached,
      wallTimeSec: this.elapsed(),
      metrics: this.metrics,
      ...(this.lastCheckpoint ? { checkpoint: this.lastCheckpoint } : {}),
      ...(estimate ? { estimate } : {}),
    };
    this.emit({ status: 'done', result });
    return result;
  }

  fail(e: Error): void {
    this.run.writeState(this.state('failed', e.message));
  }

  dispose(): void {
    const { generator, discriminator, ema, optimizers } = this.models;
    this.samples.dispose();
    this.engine?.dispose();
    generator.dispose();
    discriminator.dispose();
    ema?.dispose();
    optimizers.d.dispose();
    optimizers.g.dispose();
  }

  private card(estimate?: GaussianEstimate) {
    const { generator, discriminator } = this.models;
    return modelCard({
      name: this.run.root.split(/[\\/]/).pop() ?? 'run',
      config: this.config,
      data: this.data,
      engine: this.engine.name,
      epochs: this.epochsCompleted,
      steps: this.step,
      wallTimeSec: this.wall(),
      generatorParams: generator.countParams(),
      discriminatorParams: discriminator.countParams(),
      metrics: this.metrics,
      ...(estimate ? { estimate } : {}),
    });
  }

  /**
   * The engine's state into the TF.js models; an EMA generator then gets BatchNorm statistics of its
   * own weights (the ones copied from G do not fit them), so samples, checkpoints and exports use them.
   */
  private async syncModels(): Promise<void> {
    // An epoch end syncs for its samples and again for its checkpoint: nothing trained in between.
    if (this.syncedAt === this.step) return;
    this.syncedAt = this.step;
    await this.engine.sync();
    const { ema } = this.models;
    if (!ema) return;
    recalibrateBatchNorm(tf, ema, {
      latentDim: this.config.latentDim,
      batchSize: this.B,
      batches: EMA_BN_BATCHES,
      seed: this.config.seed + 13,
      ...(this.config.conditional ? { numClasses: this.data.classNames?.length ?? 0 } : {}),
    });
  }

  private async writeSamples(epoch: number): Promise<void> {
    if (!(await this.samples.write(this.run, this.sampler, epoch))) {
      throw new TrainingError(`the generator's output became NaN/Inf at step ${this.step} (epoch ${epoch})`);
    }
  }

  /** The engine's state into the TF.js models, then models and optimizers into checkpoint/. */
  private async checkpoint(info: { epoch: number; stepInEpoch: number; rngState: RngState; sums: number[] }) {
    await this.syncModels();
    this.lastCheckpoint = await writeCheckpoint(this.run, this.models, {
      ...info,
      step: this.step,
      ema: Boolean(this.models.ema),
    });
    this.emit({ status: 'checkpoint', dir: this.lastCheckpoint, step: this.step });
  }

  private async saveModels(): Promise<void> {
    // The run's generator/ is what gets exported and shown: the EMA copy when there is one.
    await this.sampler.save(new FileModelIO(this.run.path(RUN_FILES.generatorDir)));
    await this.models.discriminator.save(new FileModelIO(this.run.path(RUN_FILES.discriminatorDir)));
  }

  /** Appends a curve point and returns the running figures (a read of the engine's sums). */
  private async readFigures(tally: EpochTally, epoch: number): Promise<RunningFigures> {
    const v = await this.engine.readSums();
    if (!v.every(Number.isFinite)) throw this.diverged(Number.isFinite(v[0]!) ? 'loss_G' : 'loss_D', epoch);
    const dD = tally.seenD - tally.last.seenD;
    const dG = tally.seenG - tally.last.seenG;
    const point: CurvePoint = {
      step: this.step,
      lossD: (v[0]! - tally.last.values[0]!) / dD,
      lossG: dG > 0 ? (v[1]! - tally.last.values[1]!) / dG : null,
    };
    appendFileSync(this.run.path(RUN_FILES.curve), JSON.stringify(point) + '\n');
    tally.last = { values: v, seenD: tally.seenD, seenG: tally.seenG };
    return {
      lossD: v[0]! / tally.seenD,
      lossG: tally.seenG > 0 ? v[1]! / tally.seenG : 0,
      dReal: v[4]! / tally.seenD,
      dFake: v[5]! / tally.seenD,
      examplesPerSec: (tally.stepsThisRun * this.B) / ((performance.now() - tally.startedAt) / 1000),
    };
  }

  private async sumsOrThrow(epoch: number): Promise<number[]> {
    const v = await this.engine.readSums();
    if (!v.every(Number.isFinite)) throw this.diverged('the loss', epoch);
    return v;
  }

  private diverged(what: string, epoch: number): TrainingError {
    return new TrainingError(
      `${what} became NaN/Inf at step ${this.step} (epoch ${epoch}): training stopped. ${
        this.lastCheckpoint
          ? `The last good checkpoint is kept in ${this.lastCheckpoint}; continue from it with --resume ${this.run.root} and a lower --lrD/--lrG`
          : 'No checkpoint was written yet; lower --lrD/--lrG (or check the data) and start again'
      }.`,
    );
  }
}
