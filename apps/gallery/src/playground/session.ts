/**
 * One playground run inside the worker: the trainer's models, objective and TF.js step on 2-D data,
 * with the Node trainer's data order and seeds (so the d2l preset retraces `trainer:train
 * --preset=gaussian2d`), and what the views need read out of it.
 */
import {
  buildModels,
  DEFAULTS,
  drawnPoints,
  GAUSSIAN_B,
  meanAndCovariance,
  objective,
  pointMetrics,
  POINT_DATASETS,
  targetCovariance,
  tf,
  type GanModels,
  type Objective,
  type TrainConfig,
} from '@ganforge/trainer/browser';
import { exportModel } from '@ganforge/exporter/browser';
import { modeCentres, modeCoverage } from './modes';
import { noisyGenerator, pointGradients, toUniform } from './phases';
import type { Bounds, Snapshot } from './protocol';
import { toHash, type PlaygroundSettings } from './settings';
import { jsonFile, runArchive } from './resume-files';
import { StagedSteps } from './staged';
import { StepLoop, type BegunStep } from './step-loop';

/** Points in the real set (as the Node trainer's gaussian2d dataset). */
const REAL_COUNT = 1000;
/** Generated points drawn and measured per snapshot. */
const FAKE_COUNT = 1000;
const HEAT_SIZE = 48;
const GRID_SIZE = 13;
/** Latents of the transport grid span [-span, span] on z's first two axes: 2 for N(0, I), 1 for uniform noise. */
const latentSpan = (s: PlaygroundSettings) => (s.noise === 'uniform' ? 1 : 2);

/**
 * The drawn points in a downloaded run folder: the 1000 real points the page trained on (the drawing
 * with its jitter), which the run's config.json names as its dataset (resolved against the run folder).
 */
export const DRAWN_POINTS_FILE = 'drawn-points.json';

/**
 * The trainer's config for these settings (everything else at the trainer's defaults): the d2l network
 * is its gaussian2d model, the editable MLP its points-mlp model, a bundled set goes by name and a
 * drawing by its points file. Its preset is the trainer's preset of that network.
 */
export function trainConfig(s: PlaygroundSettings): TrainConfig {
  return {
    ...DEFAULTS,
    preset: s.model === 'd2l' ? 'gaussian2d' : 'points',
    model: s.model === 'd2l' ? 'gaussian2d' : 'points-mlp',
    dataset: s.dataset === 'drawn' ? DRAWN_POINTS_FILE : s.dataset,
    epochs: 1,
    // A batch takes at most the whole real set, as the steps below do.
    batchSize: Math.min(s.batchSize, REAL_COUNT),
    latentDim: s.latentDim,
    hiddenG: s.hiddenG,
    hiddenD: s.hiddenD,
    activation: s.activation,
    loss: s.loss === 'wgan-clip' || s.loss === 'wgan-gp' ? 'wasserstein' : s.loss,
    clipValue: s.loss === 'wgan-clip' ? s.clip : 0,
    gradientPenalty: s.loss === 'wgan-gp' ? s.gp : 0,
    dSteps: s.dSteps,
    optimizer: s.optimizer,
    lrD: s.lrD,
    lrG: s.lrG,
    beta1: s.beta1,
    seed: s.seed,
    engine: 'tfjs',
  };
}

export function realPoints(s: PlaygroundSettings): Float32Array {
  if (s.dataset === 'drawn') return drawnPoints(s.drawn, s.seed, REAL_COUNT);
  return POINT_DATASETS[s.dataset].make(s.seed, REAL_COUNT);
}

/** The real data's box, padded by a quarter of its larger side, made square so circles stay round. */
function boundsOf(points: Float32Array): Bounds {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]!);
    x1 = Math.max(x1, points[i]!);
    y0 = Math.min(y0, points[i + 1]!);
    y1 = Math.max(y1, points[i + 1]!);
  }
  const half = (Math.max(x1 - x0, y1 - y0, 0.5) / 2) * 1.5;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  return [cx - half, cx + half, cy - half, cy + half];
}

export class Session {
  readonly real: Float32Array;
  readonly bounds: Bounds;
  readonly models: GanModels;
  readonly loop: StepLoop;
  readonly staged: StagedSteps;
  private config: TrainConfig;
  private obj: Objective;
  private readonly batch: Float32Array;
  private readonly fixedZ: tf.Tensor2D;
  private readonly heatGrid: tf.Tensor2D;
  private latentGrid: tf.Tensor2D;
  /** Settings changed while it trained: the step and what changed. */
  private readonly changes: { step: number; changed: Partial<PlaygroundSettings> }[] = [];

  constructor(private settings: PlaygroundSettings) {
    const s = settings;
    this.config = trainConfig(s);
    this.real = realPoints(s);
    this.bounds = boundsOf(this.real);
    this.batch = new Float32Array(this.config.batchSize * 2);
    // The trainer's own builders (its gaussian2d or points-mlp model), so the archive's config.json
    // builds this very network.
    this.models = buildModels(tf, this.config, { shape: [2] });
    const stepG = noisyGenerator(this.models.generator, s.latentDim, s.noise);
    this.loop = new StepLoop(this.config, this.models, REAL_COUNT, [2], stepG);
    this.obj = objective(tf, this.config);
    this.fixedZ = tf.randomNormal([FAKE_COUNT, s.latentDim], 0, 1, 'float32', s.seed + 7) as tf.Tensor2D;
    this.heatGrid = this.planeGrid();
    this.latentGrid = this.latentPlane();
    this.staged = new StagedSteps({
      loop: this.loop,
      models: this.models,
      begin: () => this.begin(),
    });
  }

  /** Draws the next step's batch and seed and counts the step (its updates run separately). */
  private begin(): { step: BegunStep; x: Float32Array } {
    const step = this.loop.begin(this.batch, (idx) => this.fill(idx));
    return { step, x: this.batch.slice() };
  }

  private fill(idx: Int32Array): void {
    idx.forEach((k, i) => {
      this.batch[2 * i] = this.real[2 * k]!;
      this.batch[2 * i + 1] = this.real[2 * k + 1]!;
    });
  }

  /**
   * Goes on with new objective, optimizer or noise settings (settings.ts's LIVE_KEYS): the models, the
   * optimizers' state where it applies, the data order and the step count carry over.
   */
  async tune(next: PlaygroundSettings): Promise<void> {
    const changed = Object.fromEntries(
      Object.entries(next).filter(
        ([k, v]) => JSON.stringify(v) !== JSON.stringify(this.settings[k as keyof PlaygroundSettings]),
      ),
    );
    this.staged.drop();
    const noiseChanged = next.noise !== this.settings.noise;
    this.settings = next;
    this.config = trainConfig(next);
    this.obj = objective(tf, this.config);
    await this.loop.tune(this.config, noisyGenerator(this.models.generator, next.latentDim, next.noise));
    if (noiseChanged) {
      this.latentGrid.dispose();
      this.latentGrid = this.latentPlane();
    }
    this.changes.push({ step: this.step, changed });
  }

  /** Every weight of G, then of D, flattened. */
  weights(): Float32Array {
    const all = [...this.models.generator.getWeights(), ...this.models.discriminator.getWeights()];
    const parts = all.map((w) => w.dataSync() as Float32Array);
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  get step(): number {
    return this.loop.step;
  }

  get gSteps(): number {
    return this.loop.gSteps;
  }

  /** One training step: D's update, and G's when the schedule says so. */
  async trainStep(): Promise<void> {
    this.staged.drop();
    await this.loop.next(this.batch, (idx) => this.fill(idx));
  }

  /** Waits until the steps queued so far have run (a backend may run them asynchronously). */
  async sync(): Promise<void> {
    await this.loop.sync();
  }

  /** Centres of a HEAT_SIZE² grid over the bounds, the top row first (as a canvas draws). */
  private planeGrid(): tf.Tensor2D {
    const [x0, x1, y0, y1] = this.bounds;
    const n = HEAT_SIZE;
    const values = new Float32Array(n * n * 2);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        values[2 * (r * n + c)] = x0 + ((c + 0.5) / n) * (x1 - x0);
        values[2 * (r * n + c) + 1] = y1 - ((r + 0.5) / n) * (y1 - y0);
      }
    }
    return tf.tensor2d(values, [n * n, 2]);
  }

  /** A GRID_SIZE² grid on z's first two axes (the others 0). */
  private latentPlane(): tf.Tensor2D {
    const n = GRID_SIZE;
    const d = this.settings.latentDim;
    const span = latentSpan(this.settings);
    const values = new Float32Array(n * n * d);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        values[(r * n + c) * d] = -span + (2 * span * c) / (n - 1);
        if (d > 1) values[(r * n + c) * d + 1] = span - (2 * span * r) / (n - 1);
      }
    }
    return tf.tensor2d(values, [n * n, d]);
  }

  private generate(z: tf.Tensor2D): Float32Array {
    return tf.tidy(() => this.models.generator.predict(z) as tf.Tensor).dataSync() as Float32Array;
  }

  /** G(z) for the given latents (the export's check compares these with the ONNX file's). */
  sample(latents: Float32Array): Float32Array {
    const d = this.settings.latentDim;
    if (latents.length % d !== 0) {
      throw new Error(`latents must hold a multiple of latentDim (${d}) values; got ${latents.length}`);
    }
    const z = tf.tensor2d(latents, [latents.length / d, d]);
    try {
      return this.generate(z);
    } finally {
      z.dispose();
    }
  }

  /** G's points for the fixed latents, as the steps' noise gives them to G. */
  private fixedFake(): Float32Array {
    return tf
      .tidy(() => {
        const z = this.settings.noise === 'uniform' ? toUniform(this.fixedZ) : this.fixedZ;
        return this.models.generator.predict(z) as tf.Tensor;
      })
      .dataSync() as Float32Array;
  }

  /**
   * What the views show now. `figures: false` leaves the curves' running means to the next snapshot
   * (slow motion's stages between two updates), so they are not split at every stage.
   */
  async snapshot(opts: { figures?: boolean } = {}): Promise<Snapshot> {
    const figures =
      opts.figures === false
        ? { lossD: NaN, lossG: NaN, accReal: NaN, accFake: NaN, stepsPerSecond: 0 }
        : await this.loop.figures();
    const fake = this.fixedFake();
    const centres = modeCentres(this.settings.dataset);
    const heat = tf
      .tidy(() => this.obj.belief(this.models.discriminator.predict(this.heatGrid) as tf.Tensor))
      .dataSync() as Float32Array;
    const metrics = pointMetrics(
      { data: this.real, count: REAL_COUNT, dim: 2 },
      { data: fake, count: FAKE_COUNT, dim: 2 },
    );
    const { mean, cov } = meanAndCovariance(fake);
    return {
      kind: 'points',
      step: this.step,
      gSteps: this.gSteps,
      fake,
      heat,
      heatSize: HEAT_SIZE,
      heatIsProbability: this.config.loss === 'minimax' || this.config.loss === 'non-saturating',
      transport: this.generate(this.latentGrid),
      gridSize: GRID_SIZE,
      ...figures,
      frechet: metrics.frechet,
      gridJs: metrics.gridJs,
      ...(centres ? { modes: modeCoverage(fake, centres) } : {}),
      gradients: pointGradients(this.models.discriminator, this.config, fake),
      noise: this.settings.noise,
      latentDim: this.settings.latentDim,
      latentSpan: latentSpan(this.settings),
      training: {
        loss: this.settings.loss,
        lrD: this.settings.lrD,
        lrG: this.settings.lrG,
        optimizer: this.settings.optimizer,
        beta1: this.settings.beta1,
        dSteps: this.settings.dSteps,
        noise: this.settings.noise,
      },
      mean,
      cov: [cov[0][0], cov[0][1], cov[1][1]],
    };
  }

  gaussianTarget(): { mean: number[]; cov: number[] } | null {
    if (this.settings.dataset !== 'gaussian2d') return null;
    return { mean: [...GAUSSIAN_B], cov: targetCovariance().flat() };
  }

  /** The generator as an ONNX file with the project's metadata, converted here by the exporter. */
  exportOnnx(): { bytes: Uint8Array; metadata: Record<string, string> } {
    const { bytes, metadata } = exportModel(this.models.generator, {
      kind: 'points',
      facts: { output: { kind: 'points' }, preset: this.config.preset },
      sourceRun: this.name,
    });
    return { bytes, metadata };
  }

  /** This run's name: its data, seed and step. */
  get name(): string {
    return `playground-${this.settings.dataset}-seed${this.settings.seed}-step${this.step}`;
  }

  /**
   * A run folder as a tar archive: the generator as a TF.js LayersModel (generator/model.json and
   * weights.bin, the layout the trainer writes), the real points, the playground settings that made it,
   * and the trainer's config.json and checkpoint (with a drawing, its points file, which config.json
   * names). `ganforge export generator --run <folder>` exports it, `ganforge train --resume` continues it.
   */
  async runArchive(): Promise<Uint8Array> {
    const points = Array.from({ length: REAL_COUNT }, (_, i) => [this.real[2 * i]!, this.real[2 * i + 1]!]);
    const about = {
      madeBy: 'GANForge playground',
      step: this.step,
      generatorSteps: this.gSteps,
      settings: this.settings,
      link: `playground.html${toHash(this.settings)}`,
      ...(this.changes.length ? { changedWhileTraining: this.changes } : {}),
      ...(this.settings.noise === 'uniform'
        ? {
            noise:
              'G was trained on uniform noise on [-1, 1]: feed it uniform latents. ganforge train --resume continues with the trainer’s N(0, I) noise.',
          }
        : {}),
      resume: `ganforge train --resume <this folder> continues it (config.json and checkpoint/ are the trainer’s: the ${this.config.model} model on ${this.settings.dataset === 'drawn' ? `the drawn points in ${DRAWN_POINTS_FILE}` : `its ${this.config.dataset} data`}); ganforge export generator --run <this folder> exports it`,
    };
    const state = { config: this.config, models: this.models, ...this.loop.checkpointState() };
    return runArchive(this.name, state, about, [
      { path: 'real-points.json', data: jsonFile({ points }) },
      ...(this.settings.dataset === 'drawn' ? [{ path: DRAWN_POINTS_FILE, data: jsonFile({ points }) }] : []),
    ]);
  }

  dispose(): void {
    this.loop.dispose();
    this.models.generator.dispose();
    this.models.discriminator.dispose();
    // A noise wrapper (phases.ts) has no weights of its own: G's are disposed above.
    tf.dispose([this.fixedZ, this.heatGrid, this.latentGrid]);
  }
}
