/**
 * One training run's parts and where it stands, for the loop in train.ts: the run folder, the backend,
 * data, models, optimizers and the engine that runs a step (opened, and restored from the checkpoint
 * when resuming), the seeded stream, the counters, and the chores between steps — reading the figures
 * safely, syncing the engine's state into the models, checkpointing, saving, the state file.
 */
import { join } from 'node:path';
import { type MetricsRecord, RUN_FILES, type RunDir, RunDirError, type RunState } from '@ganforge/contracts';
import type { TrainConfig } from '../config/config';
import { batchValues, loadDataset } from '../data/datasets';
import type { Dataset } from '../data/types';
import { createEngine } from '../engine';
import { ensureTrainingSupport } from '../engine/grad-support';
import { sumsToList, sumsFromList, zeroSums, type EpochSums } from '../engine/sums';
import type { TrainEngine } from '../engine/types';
import type { GaussianEstimate } from '../eval/estimate';
import { epochEvaluator } from '../eval/hook';
import { criticSchedule, type CriticSchedule } from '../gan/critic-schedule';
import { makeOptimizer } from '../gan/optimizers';
import { recalibrateBatchNorm } from '../gan/regularisers';
import { initBackend, tf, type BackendName } from '../kernels/backend';
import { buildModels } from '../models';
import { modelCard } from '../outputs/card';
import { SampleWriter } from '../outputs/samples';
import { restoreCheckpoint, writeCheckpoint, type CheckpointModels } from '../run/checkpoint';
import { resumeStream, trainStream, type StreamState, type TrainStream } from './order';
import { openRunDir, resumedRecords, saveRunModels, writeRunStart } from './run-files';
import { TrainingError, type TrainEvent, type TrainOptions, type TrainResult } from './types';

/** Latent batches an EMA generator's BatchNorm statistics are averaged over. */
const EMA_BN_BATCHES = 20;

type Models = CheckpointModels & { optimizers: { d: tf.Optimizer; g: tf.Optimizer } };

/** The models and optimizers of a run (the EMA copy of G is what samples and the export use). */
function buildTrainingModels(config: TrainConfig, data: Dataset): Models {
  const spec = { shape: data.shape, numClasses: data.classNames?.length ?? 0 };
  const { generator, discriminator } = buildModels(tf, config, spec);
  let ema: tf.LayersModel | undefined;
  if (config.emaDecay > 0) {
    const copy = buildModels(tf, config, spec);
    copy.discriminator.dispose();
    ema = copy.generator;
    ema.setWeights(generator.getWeights());
  }
  const optimizers = { d: makeOptimizer(tf, config, config.lrD), g: makeOptimizer(tf, config, config.lrG) };
  return { generator, discriminator, ...(ema ? { ema } : {}), optimizers };
}

export class TrainingRun {
  readonly startedAt = new Date();
  readonly stepsPerEpoch: number;
  readonly schedule: CriticSchedule;
  /** What samples and the export use: the EMA copy of G when there is one. */
  readonly sampler: tf.LayersModel;
  readonly samples: SampleWriter;
  readonly onEpochEnd: TrainOptions['onEpochEnd'];
  step = 0;
  epochsCompleted = 0;
  interrupted = false;
  budgetReached = false;
  lastCheckpoint: string | undefined;
  metrics: MetricsRecord[] = [];
  rng: TrainStream;
  /** Where a resumed run continues in its epoch, and the epoch's sums up to there. */
  resumeAt = { stepInEpoch: 0, sums: zeroSums() };
  /** The engine, set once the models hold their (restored) weights. */
  engine!: TrainEngine;
  private priorWallTime = 0;
  private readonly t0: number;
  private readonly clock: () => number;
  private readonly batchBuf: Float32Array;
  private readonly labelBuf: Int32Array;
  /** The step the TF.js models were last synced (and the EMA recalibrated) at. */
  private syncedAt = -1;

  private constructor(
    readonly config: TrainConfig,
    readonly options: TrainOptions,
    readonly run: RunDir,
    readonly backend: BackendName,
    readonly data: Dataset,
    readonly models: Models,
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.t0 = this.clock();
    this.rng = trainStream(config.seed);
    this.stepsPerEpoch = Math.floor(data.count / config.batchSize);
    this.schedule = criticSchedule(config.dSteps, config.criticBoost);
    this.onEpochEnd =
      options.onEpochEnd ??
      ((config.evalEvery ?? 0) > 0
        ? epochEvaluator({ every: config.evalEvery!, epochs: config.epochs })
        : undefined);
    this.batchBuf = new Float32Array(config.batchSize * data.shape.reduce((a, b) => a * b, 1));
    this.labelBuf = new Int32Array(config.batchSize);
    this.sampler = models.ema ?? models.generator;
    this.samples = new SampleWriter(tf, config, data);
  }

  /** Run directory, backend, data, models (restored when resuming) and the engine. */
  static async open(config: TrainConfig, options: TrainOptions): Promise<TrainingRun> {
    const run = openRunDir(config, options);
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
      baseDir: options.resume ? run.root : (options.workspaceRoot ?? process.cwd()),
    });
    if (data.count < config.batchSize) {
      throw new RunDirError(
        `the dataset has ${data.count} examples, fewer than one batch (${config.batchSize}): lower --batchSize`,
      );
    }
    const t = new TrainingRun(config, options, run, backend, data, buildTrainingModels(config, data));
    try {
      if (options.resume) await t.restore();
      const { generator, discriminator, ema, optimizers } = t.models;
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

  /** Loads the latest checkpoint into the models and picks the run up where it stopped. */
  private async restore(): Promise<void> {
    const info = await restoreCheckpoint(tf, this.run, this.models);
    this.epochsCompleted = info.epoch;
    this.step = info.step;
    this.resumeAt = { stepInEpoch: info.stepInEpoch, sums: sumsFromList(info.sums) };
    this.rng = resumeStream(info.rngState);
    this.lastCheckpoint = join(this.run.path(RUN_FILES.checkpointDir), info.dir);
    const { metrics, wallTimeSec } = resumedRecords(this.run, info.epoch);
    this.metrics = metrics;
    this.priorWallTime = wallTimeSec;
  }

  /** Seconds of this session; of the whole run (sessions before a resume included). */
  elapsed = () => (this.clock() - this.t0) / 1000;
  wall = () => this.priorWallTime + this.elapsed();
  emit = (e: TrainEvent) => this.options.onEvent?.(e);

  /** Writes the config (new runs), the real points (2-D) and the state, and says where it starts. */
  begin(): void {
    const { run, config, data, engine, options } = this;
    if (!options.resume) writeRunStart(run, config, options, this.samples.realPairs());
    this.writeState('running');
    this.emit({
      status: 'start',
      runDir: run.root,
      backend: this.backend,
      engine: engine.name,
      ...(engine.note ? { engineNote: engine.note } : {}),
      ...(engine.device ? { device: engine.device } : {}),
      ...this.deviceNote(),
      dataset: data.name,
      examples: data.count,
      stepsPerEpoch: this.stepsPerEpoch,
      config,
      ...(options.resume ? { resumedAt: { epoch: this.epochsCompleted, step: this.step } } : {}),
    });
  }

  /** What runs elsewhere than `--provider` asked: operations on the CPU, or the whole step on TF.js. */
  private deviceNote(): { deviceNote?: string } {
    const { engine, config } = this;
    if (engine.deviceNote) return { deviceNote: engine.deviceNote };
    if (engine.name !== 'tfjs' || config.provider === 'cpu') return {};
    return {
      deviceNote: `--provider=${config.provider} runs only the compiled step; TF.js trains on ${this.backend}`,
    };
  }

  /** What train() returns (with the engine's profile, when asked for). */
  async result(estimate: GaussianEstimate | undefined): Promise<TrainResult> {
    const profile = this.options.profile ? await this.engine.profile?.() : undefined;
    return {
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
  }

  /** The examples at `idx` (and their labels, for a conditional model) as one batch. */
  batch(idx: Int32Array): { x: Float32Array; labels?: Int32Array } {
    const { data } = this;
    if (!this.config.conditional) return { x: batchValues(data, idx, this.batchBuf) };
    for (let i = 0; i < idx.length; i++) this.labelBuf[i] = data.labels![idx[i]!]!;
    return { x: batchValues(data, idx, this.batchBuf), labels: this.labelBuf };
  }

  /** The engine's sums; a NaN or Inf in them ends the run, naming `what` became so. */
  async readSums(epoch: number, what?: (s: EpochSums) => string): Promise<EpochSums> {
    const s = await this.engine.readSums();
    if (!sumsToList(s).every(Number.isFinite)) throw this.diverged(what?.(s) ?? 'the loss', epoch);
    return s;
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

  /**
   * The engine's state into the TF.js models; an EMA generator then gets BatchNorm statistics of its
   * own weights (the ones copied from G do not fit them), so samples, checkpoints and exports use them.
   */
  async syncModels(): Promise<void> {
    // An epoch end syncs for its samples and again for its checkpoint: nothing trained in between.
    if (this.syncedAt === this.step) return;
    this.syncedAt = this.step;
    await this.engine.sync();
    const { ema } = this.models;
    if (!ema) return;
    recalibrateBatchNorm(tf, ema, {
      latentDim: this.config.latentDim,
      batchSize: this.config.batchSize,
      batches: EMA_BN_BATCHES,
      seed: this.config.seed + 13,
      ...(this.config.conditional ? { numClasses: this.data.classNames?.length ?? 0 } : {}),
    });
  }

  /** The engine's state into the TF.js models, then models and optimizers into checkpoint/. */
  async checkpoint(info: { epoch: number; stepInEpoch: number; rngState: StreamState; sums: EpochSums }) {
    await this.syncModels();
    this.lastCheckpoint = await writeCheckpoint(this.run, this.models, {
      ...info,
      sums: sumsToList(info.sums),
      step: this.step,
      ema: Boolean(this.models.ema),
    });
    this.emit({ status: 'checkpoint', dir: this.lastCheckpoint, step: this.step });
  }

  /** generator/ (the EMA copy when there is one) and discriminator/ in the run folder. */
  saveModels = () => saveRunModels(this.run, this.sampler, this.models.discriminator);

  writeState(status: RunState['status'], error?: string): void {
    this.run.writeState({
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
    });
  }

  card(estimate?: GaussianEstimate) {
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
}
