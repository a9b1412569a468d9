/**
 * One training run's parts and where it stands, for the loop in train.ts: the run folder, the backend,
 * data, models, optimizers and the engine that runs a step (opened, and restored from the checkpoint
 * when resuming), the seeded stream, the counters, and the chores between steps — reading the figures
 * safely, syncing the engine's state into the models, checkpointing, saving, the state file.
 */
import { join } from 'node:path';
import {
  type CheckpointAugment,
  type MetricsRecord,
  RUN_FILES,
  type RunDir,
  RunDirError,
  type RunState,
} from '@ganforge/contracts';
import { DEFAULTS, type TrainConfig } from '../config/config';
import { checkModelSize } from '../config/limits';
import { batchValues, datasetOptions, loadDataset } from '../data/datasets';
import type { Dataset } from '../data/types';
import { createEngine } from '../engine';
import { ensureTrainingSupport } from '../engine/grad-support';
import { sumsToList, sumsFromList, zeroSums, type EpochSums } from '../engine/sums';
import type { TrainEngine } from '../engine/types';
import type { GaussianEstimate } from '../eval/estimate';
import { epochEvaluator } from '../eval/hook';
import { AdaptiveAugment } from '../gan/ada';
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

/**
 * Mean losses beyond this (times the mode-seeking weight λ, when above 1) have exploded: the GAN
 * objectives sit near 1, a collapsed generator's mode-seeking term reaches 1e5·λ; a learning rate far
 * too high gives 1e8 to 1e22.
 */
const EXPLODED_LOSS = 1e6;

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

/** The run's dataset; an image folder over --data-memory-mb streams from disk, and says how its decode goes. */
function loadRunData(config: TrainConfig, options: TrainOptions, run: RunDir): Promise<Dataset> {
  return loadDataset({
    ...datasetOptions(config),
    needLabels: config.conditional,
    // A resumed run's relative points file is its own (the playground's archive carries it there).
    baseDir: options.resume ? run.root : (options.workspaceRoot ?? process.cwd()),
    // A run from before the budget existed gets the default.
    memoryMb: config.dataMemoryMb ?? DEFAULTS.dataMemoryMb!,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (progress) => options.onEvent?.({ status: 'decode', dataset: config.dataset, progress }),
  });
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
  /** With --augment: the augmentation probability p and the overfitting signal that moves it. */
  ada: AdaptiveAugment | undefined;
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
    /** Lets other writers have the run folder again (its lock). */
    private readonly release: () => void,
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
    this.ada = this.adaptiveAugment();
  }

  /** p and its signal as a new run starts them (adaptive p starts at 0), or as a checkpoint left them. */
  private adaptiveAugment(saved?: CheckpointAugment): AdaptiveAugment | undefined {
    const { augment, augmentP, augmentTarget: target, augmentSpeed: speed } = this.config;
    if (augment.length === 0) return undefined;
    const adaptive = augmentP === 'auto';
    const start = { p: adaptive ? 0 : augmentP, signalSum: 0, signalCount: 0 };
    return new AdaptiveAugment({ adaptive, target, speed }, saved ?? start);
  }

  /** Run directory, backend, data, models (restored when resuming) and the engine. */
  static async open(config: TrainConfig, options: TrainOptions): Promise<TrainingRun> {
    const { run, release } = openRunDir(config, options);
    let t: TrainingRun | undefined;
    try {
      t = await TrainingRun.build(config, options, run, release);
    } finally {
      if (!t) release();
    }
    return t;
  }

  /** The parts of a run whose folder is open and locked; the lock is the run's from here on. */
  private static async build(
    config: TrainConfig,
    options: TrainOptions,
    run: RunDir,
    release: () => void,
  ): Promise<TrainingRun> {
    const backend = await initBackend(config.backend === 'auto' ? undefined : config.backend);
    ensureTrainingSupport(tf, backend);
    const data = await loadRunData(config, options, run);
    let t: TrainingRun;
    try {
      if (data.count < config.batchSize) {
        throw new RunDirError(
          `the dataset has ${data.count} examples, fewer than one batch (${config.batchSize}): lower --batchSize`,
        );
      }
      checkModelSize(config, data.shape, data.classNames?.length ?? 0);
      t = new TrainingRun(config, options, run, release, backend, data, buildTrainingModels(config, data));
    } catch (e) {
      data.examples.close();
      throw e;
    }
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
    this.ada = this.adaptiveAugment(info.augment);
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
      data: { where: data.examples.where, bytes: data.examples.bytes },
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

  /**
   * The engine's sums; a NaN or Inf in them ends the run, naming `what` became so, and so do mean losses
   * beyond EXPLODED_LOSS (a learning rate far too high: the run would "finish" as noise).
   */
  async readSums(epoch: number, what?: (s: EpochSums) => string): Promise<EpochSums> {
    const s = await this.engine.readSums();
    if (!sumsToList(s).every(Number.isFinite))
      throw this.diverged(`${what?.(s) ?? 'the loss'} became NaN/Inf at step ${this.step} (epoch ${epoch})`);
    const lossD = s.seenD > 0 ? s.lossD / s.seenD : 0;
    const lossG = s.seenG > 0 ? s.lossG / s.seenG : 0;
    const limit = EXPLODED_LOSS * Math.max(1, this.config.modeSeeking);
    if (Math.abs(lossD) > limit || Math.abs(lossG) > limit) {
      const f = (v: number) => v.toExponential(1);
      throw this.diverged(
        `the losses exploded (loss_D ${f(lossD)}, loss_G ${f(lossG)} at step ${this.step}, epoch ${epoch})`,
      );
    }
    return s;
  }

  private diverged(what: string): TrainingError {
    const f = (v: number) => (v >= 1e4 ? v.toExponential(0) : String(v));
    const lower = `lower --lr-d/--lr-g (now ${f(this.config.lrD)}, ${f(this.config.lrG)})`;
    return new TrainingError(
      `${what}: training stopped. ${
        this.lastCheckpoint
          ? `The last good checkpoint is kept in ${this.lastCheckpoint}; continue from it with --resume ${this.run.root} and ${lower}`
          : `No checkpoint was written yet; ${lower} (or check the data) and start again`
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
    // The signal gathered so far towards p's next update goes into the checkpoint with p.
    this.ada?.add(await this.engine.takeSignal());
    this.lastCheckpoint = await writeCheckpoint(this.run, this.models, {
      ...info,
      sums: sumsToList(info.sums),
      step: this.step,
      ema: Boolean(this.models.ema),
      ...(this.ada ? { augment: this.ada.state() } : {}),
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

  /** Frees the models and the engine, and lets other writers have the run folder again. */
  dispose(): void {
    const { generator, discriminator, ema, optimizers } = this.models;
    try {
      this.samples.dispose();
      this.engine?.dispose();
      generator.dispose();
      discriminator.dispose();
      ema?.dispose();
      optimizers.d.dispose();
      optimizers.g.dispose();
      this.data.examples.close();
    } finally {
      this.release();
    }
  }
}
