/**
 * One image-mode run inside the worker: the trainer's MLP GAN or DCGAN-28 (its own model builders) and
 * its TF.js step on the first N Fashion-MNIST test images, with the Node trainer's data order and seeds
 * (one shuffle per epoch, then one seed per step, from `train:<seed>`), so the same settings retrace
 * `ganforge train --model=<mlp|dcgan28> --limit=<N>`, with `--engine=tfjs` on the TF.js step or the
 * trainer's default engine on the compiled step (compiled.ts). A snapshot carries the fixed-latent
 * sample grid, the curves' figures and, every COVERAGE_EVERY steps, the evaluator's class coverage.
 *
 * On the compiled step the weights live in onnxruntime between steps: everything here that reads G
 * (the grid, coverage, samples, export, the run archive) first writes them back (StepLoop.syncWeights).
 */
import {
  buildModels,
  tf,
  UncompilableError,
  type GanModels,
  type TrainConfig,
} from '@ganforge/trainer/browser';
import { exportModel } from '@ganforge/exporter/browser';
import { runArchive } from '../resume-files';
import type { Bounds, CoverageReading, Snapshot } from '../protocol';
import { trainConfig } from '../session';
import { toHash, type PlaygroundSettings } from '../settings';
import { openCompiled, type CompiledDevice } from '../compiled';
import { StepLoop } from '../step-loop';
import { classifier, coverageOf } from './coverage';
import { fashionImages, type ImageData } from './fashion-data';

/** Images in the sample grid (8 x 8), and real images shown beside it. */
export const GRID_IMAGES = 64;
/** Generated samples the classifier sorts, and how often (in steps). */
export const COVERAGE_SAMPLES = 500;
export const COVERAGE_EVERY = 200;

/**
 * The trainer's config for image-mode settings. Its preset is the trainer's preset of that network (a
 * config.json the trainer resumes names one it knows); every setting is spelled out beside it. A run on
 * the compiled step names the trainer's default engine, which compiles the same step.
 */
export function imageTrainConfig(s: PlaygroundSettings, compiled = false): TrainConfig {
  return {
    ...trainConfig(s),
    preset: s.imageModel,
    model: s.imageModel,
    dataset: 'fashion-mnist-test',
    limit: s.images,
    ...(compiled ? { engine: 'auto' as const } : {}),
  };
}

export class ImageSession {
  readonly kind = 'images' as const;
  readonly real = new Float32Array(0);
  readonly bounds: Bounds = [-1, 1, -1, 1];
  config: TrainConfig;
  readonly models: GanModels;
  private readonly loop: StepLoop;
  private readonly batch: Float32Array;
  private readonly size: number;
  private readonly gridZ: tf.Tensor2D;
  private readonly coverageZ: tf.Tensor2D;
  private coverage: CoverageReading | undefined;

  /** Why the run is on the TF.js step though the compiled one was asked for. */
  compiledRefused: string | undefined;

  /**
   * A run on the TF.js step, or with `compiled` on the compiled step on that device (the CPU's wasm or
   * the GPU's WebGPU) where its models compile.
   */
  static async open(settings: PlaygroundSettings, compiled?: CompiledDevice): Promise<ImageSession> {
    const session = new ImageSession(settings, await fashionImages(settings.images));
    if (compiled) {
      try {
        await session.loop.useCompiled((models, config, shape) =>
          openCompiled(models, config, shape, compiled),
        );
        session.config = imageTrainConfig(settings, true);
      } catch (e) {
        if (!(e instanceof UncompilableError)) {
          session.dispose();
          throw e;
        }
        session.compiledRefused = e.message;
      }
    }
    return session;
  }

  /** Whether the steps run on the compiled step. */
  get compiled(): boolean {
    return this.loop.engineName === 'onnxruntime';
  }

  private constructor(
    public settings: PlaygroundSettings,
    readonly data: ImageData,
  ) {
    const s = settings;
    this.config = imageTrainConfig(s);
    this.size = data.shape[0] * data.shape[1] * data.shape[2];
    this.batch = new Float32Array(this.config.batchSize * this.size);
    this.models = buildModels(tf, this.config, { shape: data.shape });
    this.loop = new StepLoop(this.config, this.models, data.count, data.shape);
    this.gridZ = tf.randomNormal([GRID_IMAGES, s.latentDim], 0, 1, 'float32', s.seed + 7) as tf.Tensor2D;
    this.coverageZ = tf.randomNormal(
      [COVERAGE_SAMPLES, s.latentDim],
      0,
      1,
      'float32',
      s.seed + 11,
    ) as tf.Tensor2D;
  }

  get step(): number {
    return this.loop.step;
  }

  get gSteps(): number {
    return this.loop.gSteps;
  }

  /** The first GRID_IMAGES training images, for the real grid. */
  get realImages(): Float32Array {
    return this.data.values.slice(0, Math.min(GRID_IMAGES, this.data.count) * this.size);
  }

  async trainStep(): Promise<void> {
    const { values } = this.data;
    const n = this.size;
    await this.loop.next(this.batch, (idx) => {
      idx.forEach((k, i) => this.batch.set(values.subarray(k * n, (k + 1) * n), i * n));
    });
  }

  async sync(): Promise<void> {
    await this.loop.sync();
  }

  /** Goes on with new objective and optimizer settings (settings.ts's LIVE_KEYS), keeping the run. */
  async tune(next: PlaygroundSettings): Promise<void> {
    this.settings = next;
    this.config = imageTrainConfig(next, this.compiled);
    try {
      await this.loop.tune(this.config);
    } finally {
      // The compiled step may have refused the new settings and handed the run to TF.js.
      this.config = imageTrainConfig(next, this.compiled);
    }
  }

  /** G(z) for the given latents, NHWC (the same values as NCHW for one channel). */
  async sample(latents: Float32Array): Promise<Float32Array> {
    const d = this.settings.latentDim;
    if (latents.length % d !== 0) {
      throw new Error(`latents must hold a multiple of latentDim (${d}) values; got ${latents.length}`);
    }
    await this.loop.syncWeights();
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
    const figures = await this.loop.figures();
    await this.loop.syncWeights();
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
      ...figures,
      frechet: NaN,
      gridJs: NaN,
      mean: [NaN, NaN],
      cov: [NaN, NaN, NaN],
      images,
      imageShape: this.data.shape,
      ...(this.coverage ? { coverage: this.coverage } : {}),
    };
  }

  gaussianTarget(): null {
    return null;
  }

  async exportOnnx(): Promise<{ bytes: Uint8Array; metadata: Record<string, string> }> {
    await this.loop.syncWeights();
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
    const about = {
      madeBy: 'GANForge playground',
      step: this.step,
      generatorSteps: this.gSteps,
      settings: this.settings,
      link: `playground.html${toHash(this.settings)}`,
      resume:
        'ganforge train --resume <this folder> continues it (config.json and checkpoint/ are the trainer’s)',
    };
    await this.loop.syncWeights();
    const state = { config: this.config, models: this.models, ...this.loop.checkpointState() };
    return runArchive(this.name, state, about);
  }

  dispose(): void {
    this.loop.dispose();
    this.models.generator.dispose();
    this.models.discriminator.dispose();
    tf.dispose([this.gridZ, this.coverageZ]);
  }
}
