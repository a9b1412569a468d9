/**
 * One image-mode run inside the worker: the trainer's MLP GAN or DCGAN-28 (its own model builders) and
 * its TF.js step on the first N Fashion-MNIST test images, with the Node trainer's data order and seeds
 * (one shuffle per epoch, then one seed per step, from `train:<seed>`), so the same settings retrace
 * `ganforge train --model=<mlp|dcgan28> --limit=<N> --engine=tfjs`. A snapshot carries the fixed-latent
 * sample grid, the curves' figures and, every COVERAGE_EVERY steps, the evaluator's class coverage.
 */
import {
  buildModels,
  criticSchedule,
  layersModelFiles,
  TfjsEngine,
  tf,
  type CriticSchedule,
  type GanModels,
  type TrainConfig,
} from '@ganforge/trainer/browser';
import { exportModel } from '@ganforge/exporter/browser';
import seedrandom from 'seedrandom';
import { resumeEntries } from '../resume-files';
import type { Bounds, CoverageReading, Snapshot } from '../protocol';
import { trainConfig } from '../session';
import { toHash, type PlaygroundSettings } from '../settings';
import { tar } from '../tar';
import { classifier, coverageOf } from './coverage';
import { fashionImages, type ImageData } from './fashion-data';

/** Images in the sample grid (8 x 8), and real images shown beside it. */
export const GRID_IMAGES = 64;
/** Generated samples the classifier sorts, and how often (in steps). */
export const COVERAGE_SAMPLES = 500;
export const COVERAGE_EVERY = 200;

/**
 * The trainer's config for image-mode settings. Its preset is the trainer's preset of that network (a
 * config.json the trainer resumes names one it knows); every setting is spelled out beside it.
 */
export function imageTrainConfig(s: PlaygroundSettings): TrainConfig {
  return {
    ...trainConfig(s),
    preset: s.imageModel,
    model: s.imageModel,
    dataset: 'fashion-mnist-test',
    limit: s.images,
  };
}

function makeOptimizer(config: TrainConfig, lr: number): tf.Optimizer {
  // As the trainer makes them (PyTorch's epsilon 1e-8).
  if (config.optimizer === 'rmsprop') return tf.train.rmsprop(lr, 0.99, 0, 1e-8);
  return tf.train.adam(lr, config.beta1, config.beta2, 1e-8);
}

export class ImageSession {
  readonly kind = 'images' as const;
  readonly real = new Float32Array(0);
  readonly bounds: Bounds = [-1, 1, -1, 1];
  step = 0;
  gSteps = 0;
  readonly config: TrainConfig;
  readonly models: GanModels;
  readonly optD: tf.Optimizer;
  readonly optG: tf.Optimizer;
  private readonly engine: TfjsEngine;
  private readonly schedule: CriticSchedule;
  private rng = seedrandom.alea('', { state: true });
  /** The stream's state at the start of the current epoch (before its shuffle), for a checkpoint. */
  private epochRng: Record<string, number> = {};
  private perm = new Int32Array(0);
  private stepInEpoch = 0;
  readonly stepsPerEpoch: number;
  private readonly batch: Float32Array;
  private readonly size: number;
  private seenD = 0;
  private seenG = 0;
  private readonly gridZ: tf.Tensor2D;
  private readonly coverageZ: tf.Tensor2D;
  private coverage: CoverageReading | undefined;
  private busyMs = 0;
  private busySteps = 0;

  static async open(settings: PlaygroundSettings): Promise<ImageSession> {
    return new ImageSession(settings, await fashionImages(settings.images));
  }

  private constructor(
    readonly settings: PlaygroundSettings,
    readonly data: ImageData,
  ) {
    const s = settings;
    this.config = imageTrainConfig(s);
    this.size = data.shape[0] * data.shape[1] * data.shape[2];
    const B = s.batchSize;
    this.stepsPerEpoch = Math.floor(data.count / B);
    this.batch = new Float32Array(B * this.size);
    this.models = buildModels(tf, this.config, { shape: data.shape });
    this.optD = makeOptimizer(this.config, s.lrD);
    this.optG = makeOptimizer(this.config, s.lrG);
    this.engine = new TfjsEngine(
      tf,
      { ...this.models, optD: this.optD, optG: this.optG },
      { config: this.config, batch: B, dataShape: data.shape, numClasses: 0 },
    );
    this.schedule = criticSchedule(s.dSteps, false);
    this.rng = seedrandom.alea(`train:${s.seed}`, { state: true });
    this.gridZ = tf.randomNormal([GRID_IMAGES, s.latentDim], 0, 1, 'float32', s.seed + 7) as tf.Tensor2D;
    this.coverageZ = tf.randomNormal(
      [COVERAGE_SAMPLES, s.latentDim],
      0,
      1,
      'float32',
      s.seed + 11,
    ) as tf.Tensor2D;
  }

  /** The first GRID_IMAGES training images, for the real grid. */
  get realImages(): Float32Array {
    return this.data.values.slice(0, Math.min(GRID_IMAGES, this.data.count) * this.size);
  }

  async trainStep(): Promise<void> {
    const t0 = performance.now();
    if (this.stepInEpoch === 0) this.shuffle();
    const B = this.settings.batchSize;
    const idx = this.perm.subarray(this.stepInEpoch * B, (this.stepInEpoch + 1) * B);
    const { values } = this.data;
    for (let i = 0; i < B; i++) {
      this.batch.set(values.subarray(idx[i]! * this.size, (idx[i]! + 1) * this.size), i * this.size);
    }
    const seed = Math.floor(this.rng() * 2 ** 31);
    const generatorStep = this.schedule.isGeneratorStep(this.step);
    await this.engine.step({ x: this.batch, seed, generatorStep, noiseStd: 0 });
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

  private rngState(): Record<string, number> {
    return this.rng.state() as unknown as Record<string, number>;
  }

  async sync(): Promise<void> {
    await this.engine.readSums();
  }

  private shuffle(): void {
    this.epochRng = this.rngState();
    const perm = Int32Array.from({ length: this.data.count }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    this.perm = perm;
  }

  /** G(z) for the given latents, NHWC (the same values as NCHW for one channel). */
  sample(latents: Float32Array): Float32Array {
    const d = this.settings.latentDim;
    if (latents.length % d !== 0) {
      throw new Error(`latents must hold a multiple of latentDim (${d}) values; got ${latents.length}`);
    }
    return tf
      .tidy(() => this.models.generator.predict(tf.tensor2d(latents, [latents.length / d, d])) as tf.Tensor)
      .dataSync() as Float32Array;
  }

  private async measureCoverage(): Promise<void> {
    await classifier(); // loaded once; its download is not the reading's cost
    const t0 = performance.now();
    const fake = tf.tidy(() => this.models.generator.predict(this.coverageZ) as tf.Tensor4D);
    try {
      const c = await coverageOf(fake);
      this.coverage = { step: this.step, ...c, ms: performance.now() - t0 };
    } finally {
      fake.dispose();
    }
  }

  async snapshot(): Promise<Snapshot> {
    const sums = await this.engine.readSums();
    const [sD, sG, realOk, fakeOk] = sums as [number, number, number, number];
    const { seenD, seenG } = this;
    this.engine.setSums([0, 0, 0, 0, 0, 0]);
    this.seenD = 0;
    this.seenG = 0;
    const stepsPerSecond = this.busyMs > 0 ? (this.busySteps * 1000) / this.busyMs : 0;
    this.busyMs = 0;
    this.busySteps = 0;
    if (!this.coverage || this.step - this.coverage.step >= COVERAGE_EVERY) await this.measureCoverage();
    const images = tf
      .tidy(() => this.models.generator.predict(this.gridZ) as tf.Tensor)
      .dataSync() as Float32Array;
    return {
      kind: 'images',
      step: this.step,
      gSteps: this.gSteps,
      fake: new Float32Array(0),
      heat: new Float32Array(0),
      heatSize: 0,
      heatIsProbability: true,
      transport: new Float32Array(0),
      gridSize: 0,
      lossD: seenD ? sD / seenD : NaN,
      lossG: seenG ? sG / seenG : NaN,
      accReal: seenD ? realOk / seenD : NaN,
      accFake: seenD ? fakeOk / seenD : NaN,
      frechet: NaN,
      gridJs: NaN,
      mean: [NaN, NaN],
      cov: [NaN, NaN, NaN],
      stepsPerSecond,
      images,
      imageShape: this.data.shape,
      ...(this.coverage ? { coverage: this.coverage } : {}),
    };
  }

  gaussianTarget(): null {
    return null;
  }

  exportOnnx(): { bytes: Uint8Array; metadata: Record<string, string> } {
    const { bytes, metadata } = exportModel(this.models.generator, {
      kind: 'image',
      facts: { output: { kind: 'image', range: [-1, 1] }, preset: this.config.preset },
      sourceRun: this.name,
    });
    return { bytes, metadata };
  }

  get name(): string {
    return `playground-fashion-${this.settings.imageModel}-seed${this.settings.seed}-step${this.step}`;
  }

  /**
   * A run folder as a tar archive: the generator (generator/, as the trainer writes it), playground.json,
   * and the trainer's config.json and checkpoint/ so that `ganforge train --resume` continues it.
   */
  async runArchive(): Promise<Uint8Array> {
    const { modelJson, weights } = await layersModelFiles(tf, this.models.generator);
    const about = {
      madeBy: 'GANForge playground',
      step: this.step,
      generatorSteps: this.gSteps,
      settings: this.settings,
      link: `playground.html${toHash(this.settings)}`,
      resume:
        'ganforge train --resume <this folder> continues it (config.json and checkpoint/ are the trainer’s)',
    };
    const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 1));
    const dir = this.name;
    return tar([
      { path: `${dir}/generator/model.json`, data: modelJson },
      { path: `${dir}/generator/weights.bin`, data: weights },
      { path: `${dir}/playground.json`, data: json(about) },
      ...(await resumeEntries(dir, {
        config: this.config,
        models: this.models,
        optD: this.optD,
        optG: this.optG,
        step: this.step,
        stepsPerEpoch: this.stepsPerEpoch,
        epochRngState: this.stepInEpoch === 0 ? this.rngState() : this.epochRng,
      })),
    ]);
  }

  dispose(): void {
    this.engine.dispose();
    this.models.generator.dispose();
    this.models.discriminator.dispose();
    this.optD.dispose();
    this.optG.dispose();
    tf.dispose([this.gridZ, this.coverageZ]);
  }
}
