/**
 * The Node trainer's loop for one run in the page, shared by 2-D and image mode: its data order and
 * seeds (one shuffle per epoch, then one seed per step, from `train:<seed>`), the TF.js step with the
 * trainer's optimizers, the figures between two snapshots, and the state a checkpoint of it carries.
 */
import {
  criticSchedule,
  TfjsEngine,
  tf,
  type CriticSchedule,
  type GanModels,
  type TrainConfig,
} from '@ganforge/trainer/browser';
import seedrandom from 'seedrandom';

/** Averages over the steps since the last reading, and the steps per second of training itself. */
export interface LoopFigures {
  lossD: number;
  lossG: number;
  accReal: number;
  accFake: number;
  stepsPerSecond: number;
}

function makeOptimizer(config: TrainConfig, lr: number): tf.Optimizer {
  // As the trainer makes them (PyTorch's epsilon 1e-8).
  if (config.optimizer === 'rmsprop') return tf.train.rmsprop(lr, 0.99, 0, 1e-8);
  return tf.train.adam(lr, config.beta1, config.beta2, 1e-8);
}

export class StepLoop {
  step = 0;
  gSteps = 0;
  readonly optD: tf.Optimizer;
  readonly optG: tf.Optimizer;
  readonly stepsPerEpoch: number;
  private readonly engine: TfjsEngine;
  private readonly schedule: CriticSchedule;
  private readonly rng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;
  /** The stream's state at the start of the current epoch (before its shuffle), for a checkpoint. */
  private epochRng: Record<string, number> = {};
  private perm = new Int32Array(0);
  private stepInEpoch = 0;
  private seenD = 0;
  private seenG = 0;
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
    this.optD = makeOptimizer(config, config.lrD);
    this.optG = makeOptimizer(config, config.lrG);
    this.engine = new TfjsEngine(
      tf,
      { ...models, optD: this.optD, optG: this.optG },
      { config, batch: B, dataShape, numClasses: 0 },
    );
    this.schedule = criticSchedule(config.dSteps, false);
    this.rng = seedrandom.alea(`train:${config.seed}`, { state: true });
  }

  /** One step: `fill` writes the examples at `idx` into `batch`; then D's update, and G's when due. */
  async next(batch: Float32Array, fill: (idx: Int32Array) => void): Promise<void> {
    const t0 = performance.now();
    if (this.stepInEpoch === 0) this.shuffle();
    const B = this.config.batchSize;
    fill(this.perm.subarray(this.stepInEpoch * B, (this.stepInEpoch + 1) * B));
    const seed = Math.floor(this.rng() * 2 ** 31);
    const generatorStep = this.schedule.isGeneratorStep(this.step);
    await this.engine.step({ x: batch, seed, generatorStep, noiseStd: 0 });
    this.step++;
    this.seenD += B;
    if (generatorStep) {
      this.gSteps++;
      this.seenG += B;
    }
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
    const [sD, sG, realOk, fakeOk] = (await this.engine.readSums()) as [number, number, number, number];
    const { seenD, seenG } = this;
    this.engine.setSums([0, 0, 0, 0, 0, 0]);
    const stepsPerSecond = this.busyMs > 0 ? (this.busySteps * 1000) / this.busyMs : 0;
    this.seenD = this.seenG = this.busyMs = this.busySteps = 0;
    return {
      lossD: seenD ? sD / seenD : NaN,
      lossG: seenG ? sG / seenG : NaN,
      accReal: seenD ? realOk / seenD : NaN,
      accFake: seenD ? fakeOk / seenD : NaN,
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
      epochRngState: this.stepInEpoch === 0 ? this.rngState() : this.epochRng,
    };
  }

  private rngState(): Record<string, number> {
    return this.rng.state() as unknown as Record<string, number>;
  }

  private shuffle(): void {
    this.epochRng = this.rngState();
    const perm = Int32Array.from({ length: this.count }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    this.perm = perm;
  }

  dispose(): void {
    this.engine.dispose();
    this.optD.dispose();
    this.optG.dispose();
  }
}
