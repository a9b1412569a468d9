/**
 * The Node trainer's loop for one run in the page, shared by 2-D and image mode: the trainer's data
 * order and seeds (one shuffle per epoch, then one seed per step, from `train:<seed>`), its TF.js step
 * and optimizers, the figures between two snapshots, and the state a checkpoint of it carries.
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
  type GanModels,
  type StreamState,
  type TrainConfig,
  type TrainStream,
} from '@ganforge/trainer/browser';

/** Averages over the steps since the last reading, and the steps per second of training itself. */
export interface LoopFigures {
  lossD: number;
  lossG: number;
  accReal: number;
  accFake: number;
  stepsPerSecond: number;
}

export class StepLoop {
  step = 0;
  gSteps = 0;
  readonly optD: tf.Optimizer;
  readonly optG: tf.Optimizer;
  readonly stepsPerEpoch: number;
  private readonly engine: TfjsEngine;
  private readonly schedule: CriticSchedule;
  private readonly rng: TrainStream;
  /** The stream's state at the start of the current epoch (before its shuffle), for a checkpoint. */
  private epochRng: StreamState = {};
  private perm = new Int32Array(0);
  private stepInEpoch = 0;
  /** Time spent in training steps since the last reading, and their count. */
  private busyMs = 0;
  private busySteps = 0;

  /** `count` examples of `dataShape`, batches of config.batchSize. */
  constructor(
    readonly config: TrainConfig,
    readonly models: GanModels,
    private readonly count: number,
    dataShape: number[],
  ) {
    const B = config.batchSize;
    this.stepsPerEpoch = Math.floor(count / B);
    this.optD = makeOptimizer(tf, config, config.lrD);
    this.optG = makeOptimizer(tf, config, config.lrG);
    this.engine = new TfjsEngine(
      tf,
      { ...models, optD: this.optD, optG: this.optG },
      { config, batch: B, dataShape, numClasses: 0 },
    );
    this.schedule = criticSchedule(config.dSteps, false);
    this.rng = trainStream(config.seed);
  }

  /** One step: `fill` writes the examples at `idx` into `batch`; then D's update, and G's when due. */
  async next(batch: Float32Array, fill: (idx: Int32Array) => void): Promise<void> {
    const t0 = performance.now();
    if (this.stepInEpoch === 0) this.shuffle();
    const B = this.config.batchSize;
    fill(this.perm.subarray(this.stepInEpoch * B, (this.stepInEpoch + 1) * B));
    const seed = stepSeed(this.rng);
    const generatorStep = this.schedule.isGeneratorStep(this.step);
    await this.engine.step({ x: batch, seed, generatorStep, noiseStd: 0 });
    this.step++;
    if (generatorStep) this.gSteps++;
    this.stepInEpoch = (this.stepInEpoch + 1) % this.stepsPerEpoch;
    this.busyMs += performance.now() - t0;
    this.busySteps++;
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
    return {
      lossD: s.seenD ? s.lossD / s.seenD : NaN,
      lossG: s.seenG ? s.lossG / s.seenG : NaN,
      accReal: s.seenD ? s.realJudgedReal / s.seenD : NaN,
      accFake: s.seenD ? s.fakeJudgedFake / s.seenD : NaN,
      stepsPerSecond,
    };
  }

  /** What a checkpoint of this run carries besides its models (resume-files.ts). */
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
