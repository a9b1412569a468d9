/**
 * The Node trainer's loop for one run in the page, shared by 2-D and image mode: the trainer's data
 * order and seeds (one shuffle per epoch, then one seed per step, from `train:<seed>`), its TF.js step
 * and optimizers, the figures between two snapshots, and the state a checkpoint of it carries. A step
 * can also run in its two halves (D's update, then G's on the same latents: `begin`, `updateD`,
 * `updateG`), which end at the same weights as the whole step; and its objective and optimizers can be
 * changed while it runs (`tune`), keeping the optimizers' state where the new ones can use it.
 *
 * Image mode can run the steps on the compiled step instead (`useCompiled`: the trainer's engine that
 * runs the whole step as one ONNX graph, here on onnxruntime-web). Its weights and optimizer state then
 * live in onnxruntime between steps: `syncWeights()` writes them back into the TF.js models and
 * optimizers, which everything that reads them (samples, the grid, export, the run archive, `tune`)
 * calls first. The split step (`begin`/`updateD`/`updateG`, 2-D mode's slow motion and separate
 * updates) updates the TF.js models directly, so it needs the TF.js step.
 */
import {
  criticSchedule,
  makeOptimizer,
  shuffledOrder,
  stepSeed,
  streamState,
  TfjsEngine,
  tf,
  trainStream,
  zeroSums,
  type CriticSchedule,
  type EngineModels,
  type GanModels,
  type StreamState,
  type TrainConfig,
  type TrainEngine,
  type TrainStream,
} from '@ganforge/trainer/browser';
import { generatorUpdate } from './phases';

/** Averages over the steps since the last reading, and the steps per second of training itself. */
export interface LoopFigures {
  lossD: number;
  lossG: number;
  accReal: number;
  accFake: number;
  stepsPerSecond: number;
}

/** Opens the compiled step on these models and optimizers (it reads their weights and state). */
export type CompiledOpener = (
  models: EngineModels,
  config: TrainConfig,
  dataShape: number[],
) => Promise<TrainEngine>;

/** A step whose batch and seed are drawn (and counted), its updates still to run. */
export interface BegunStep {
  seed: number;
  /** Whether the critic schedule ends this step with G's update. */
  generatorStep: boolean;
}

export class StepLoop {
  step = 0;
  gSteps = 0;
  optD: tf.Optimizer;
  optG: tf.Optimizer;
  readonly stepsPerEpoch: number;
  private engine: TrainEngine;
  /** Where the steps run on the compiled step: how to open it (again, after `tune`). */
  private compiled: CompiledOpener | undefined;
  /** Steps ran on the compiled step since its weights were last written back to TF.js. */
  private unsynced = false;
  private schedule: CriticSchedule;
  /** G's losses of the G halves run on their own (the engine's sums have the rest). */
  private extraG = { loss: 0, seen: 0 };
  private readonly rng: TrainStream;
  /** The stream's state at the start of the current epoch (before its shuffle), for a checkpoint. */
  private epochRng: StreamState = {};
  private perm = new Int32Array(0);
  private stepInEpoch = 0;
  /** Time spent in training steps since the last reading, and their count. */
  private busyMs = 0;
  private busySteps = 0;

  /**
   * `count` examples of `dataShape`, batches of config.batchSize. `generator`: what the steps run as G
   * (models.generator, or it behind a fixed map of its latents, see phases.ts); its weights are G's.
   */
  constructor(
    public config: TrainConfig,
    readonly models: GanModels,
    private readonly count: number,
    private readonly dataShape: number[],
    private generator: tf.LayersModel = models.generator,
  ) {
    this.stepsPerEpoch = Math.floor(count / config.batchSize);
    this.optD = makeOptimizer(tf, config, config.lrD);
    this.optG = makeOptimizer(tf, config, config.lrG);
    this.engine = this.makeTfjsEngine();
    this.schedule = criticSchedule(config.dSteps, false);
    this.rng = trainStream(config.seed);
  }

  private engineModels(): EngineModels {
    return { ...this.models, generator: this.generator, optD: this.optD, optG: this.optG };
  }

  private makeTfjsEngine(): TfjsEngine {
    return new TfjsEngine(tf, this.engineModels(), {
      config: this.config,
      batch: this.config.batchSize,
      dataShape: this.dataShape,
      numClasses: 0,
    });
  }

  private async makeEngine(): Promise<TrainEngine> {
    if (!this.compiled) return this.makeTfjsEngine();
    return this.compiled(this.engineModels(), this.config, this.dataShape);
  }

  /**
   * Runs the steps from here on the compiled step `open` gives (it starts from the models' and
   * optimizers' state now); throws what `open` throws (the trainer's UncompilableError where the
   * models or settings do not compile), leaving the TF.js step in place.
   */
  async useCompiled(open: CompiledOpener): Promise<void> {
    await this.syncWeights();
    const sums = await this.engine.readSums();
    const engine = await open(this.engineModels(), this.config, this.dataShape);
    engine.setSums(sums);
    this.engine.dispose();
    this.engine = engine;
    this.compiled = open;
  }

  /** The engine that runs the steps: 'onnxruntime' for the compiled step, else 'tfjs'. */
  get engineName(): TrainEngine['name'] {
    return this.engine.name;
  }

  /** Writes the compiled step's weights and optimizer state into the TF.js models and optimizers. */
  async syncWeights(): Promise<void> {
    if (!this.unsynced) return;
    await this.engine.sync();
    this.unsynced = false;
  }

  /** G as the steps run it. */
  get stepGenerator(): tf.LayersModel {
    return this.generator;
  }

  /** One step: `fill` writes the examples at `idx` into `batch`; then D's update, and G's when due. */
  async next(batch: Float32Array, fill: (idx: Int32Array) => void): Promise<void> {
    const t0 = performance.now();
    const { seed, generatorStep } = this.begin(batch, fill);
    await this.engine.step({ x: batch, seed, generatorStep, noiseStd: 0 });
    if (this.compiled) this.unsynced = true;
    if (generatorStep) this.gSteps++;
    this.busyMs += performance.now() - t0;
    this.busySteps++;
  }

  /**
   * Draws the next step's batch (`fill` writes the examples at `idx` into the batch) and seed, as the
   * trainer's loop does, and counts the step; its updates are run by `updateD` and `updateG`.
   */
  begin(_batch: Float32Array, fill: (idx: Int32Array) => void): BegunStep {
    if (this.stepInEpoch === 0) this.shuffle();
    const B = this.config.batchSize;
    fill(this.perm.subarray(this.stepInEpoch * B, (this.stepInEpoch + 1) * B));
    const seed = stepSeed(this.rng);
    const generatorStep = this.schedule.isGeneratorStep(this.step);
    this.step++;
    this.stepInEpoch = (this.stepInEpoch + 1) % this.stepsPerEpoch;
    return { seed, generatorStep };
  }

  /** D's update of a begun step on `batch`: the engine's step without G's update. */
  async updateD(batch: Float32Array, s: BegunStep): Promise<void> {
    this.needsTfjs();
    await this.engine.step({ x: batch, seed: s.seed, generatorStep: false, noiseStd: 0 });
  }

  /** G's update of a begun step, on the latents its whole step would draw; returns G's loss. */
  updateG(s: BegunStep): number {
    this.needsTfjs();
    const loss = generatorUpdate(this.generator, this.models.discriminator, this.optG, this.config, s.seed);
    this.extraG.loss += loss * this.config.batchSize;
    this.extraG.seen += this.config.batchSize;
    this.gSteps++;
    return loss;
  }

  /** The split step updates the TF.js models itself: with the compiled step they would be stale. */
  private needsTfjs(): void {
    if (this.compiled) throw new Error('separate D and G updates need the TF.js step');
  }

  /**
   * Goes on with `next` settings for the objective and optimizers (loss, clipping, penalty, learning
   * rates, β₁, optimizer, D steps per G step) and `generator` as G: the optimizers keep their state
   * (moments, iteration count) unless the optimizer itself changes, the figures their sums.
   */
  async tune(next: TrainConfig, generator: tf.LayersModel = this.generator): Promise<void> {
    // The compiled step's state goes back to the optimizers first, which carry it over.
    await this.syncWeights();
    const sums = await this.engine.readSums();
    const same = next.optimizer === this.config.optimizer;
    const carry = async (old: tf.Optimizer, lr: number): Promise<tf.Optimizer> => {
      if (same && (next.optimizer === 'rmsprop' || next.beta1 === this.config.beta1)) {
        // Only the rate changed: the optimizer reads it at every update.
        (old as unknown as { learningRate: number }).learningRate = lr;
        return old;
      }
      const fresh = makeOptimizer(tf, next, lr);
      if (same) await fresh.setWeights(await old.getWeights());
      old.dispose();
      return fresh;
    };
    this.optD = await carry(this.optD, next.lrD);
    this.optG = await carry(this.optG, next.lrG);
    this.config = next;
    this.generator = generator;
    this.engine.dispose();
    this.schedule = criticSchedule(next.dSteps, false);
    try {
      // The compiled step bakes the rates and the objective into its graph: it is compiled again.
      this.engine = await this.makeEngine();
    } catch (e) {
      // Where the new settings do not compile, the run goes on with the TF.js step, and says why.
      this.compiled = undefined;
      this.engine = this.makeTfjsEngine();
      this.engine.setSums(sums);
      throw new Error(
        `the compiled step could not take these settings, so TF.js trains on: ${(e as Error).message}`,
      );
    }
    this.engine.setSums(sums);
  }

  /** Waits until the steps queued so far have run (a backend may run them asynchronously). */
  async sync(): Promise<void> {
    await this.engine.readSums();
  }

  /** The figures since the last call, which starts them over. */
  async figures(): Promise<LoopFigures> {
    const s = await this.engine.readSums();
    this.engine.setSums(zeroSums());
    const stepsPerSecond = this.busyMs > 0 ? (this.busySteps * 1000) / this.busyMs : 0;
    this.busyMs = this.busySteps = 0;
    const seenG = s.seenG + this.extraG.seen;
    const lossG = s.lossG + this.extraG.loss;
    this.extraG = { loss: 0, seen: 0 };
    return {
      lossD: s.seenD ? s.lossD / s.seenD : NaN,
      lossG: seenG ? lossG / seenG : NaN,
      accReal: s.seenD ? s.realJudgedReal / s.seenD : NaN,
      accFake: s.seenD ? s.fakeJudgedFake / s.seenD : NaN,
      stepsPerSecond,
    };
  }

  /** What a checkpoint of this run carries besides its models (resume-files.ts); after `syncWeights`. */
  checkpointState() {
    return {
      optD: this.optD,
      optG: this.optG,
      step: this.step,
      stepsPerEpoch: this.stepsPerEpoch,
      epochRngState: this.stepInEpoch === 0 ? streamState(this.rng) : this.epochRng,
    };
  }

  private shuffle(): void {
    this.epochRng = streamState(this.rng);
    this.perm = shuffledOrder(this.count, this.rng);
  }

  dispose(): void {
    this.engine.dispose();
    this.optD.dispose();
    this.optG.dispose();
  }
}
