/**
 * The training loop. It reports progress through typed events (the CLI turns them into progress
 * bars and lines) and writes everything to the run directory as it goes.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { initBackend, tf, type BackendName } from './backend';
import {
  checkCombination,
  ConfigError,
  TrainConfigSchema,
  type ConfigOverrides,
  type TrainConfig,
} from './config';
import { criticSchedule } from './critic-schedule';
import { batchValues, loadDataset, type Dataset } from './data/datasets';
import { gaussianEstimate, type GaussianEstimate } from './estimate';
import { ensureTrainingSupport } from './grad-support';
import { modeSeekingTerm, objective } from './losses';
import { buildModels } from './models';
import { imageGridPng, lossCurvePng, scatterPng } from './plots';
import { restoreCheckpoint, writeCheckpoint } from './run/checkpoint';
import { RunDir, RunDirError, writeFileAtomic } from './run/io';
import { FileModelIO } from './run/model-io';
import {
  CurvePointSchema,
  RUN_FILES,
  sampleFileName,
  type CurvePoint,
  type MetricsRecord,
  type ModelCard,
  type RunState,
} from './run/schema';
import { epochEvaluator, evaluationSource } from './eval/hook';

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
}

export interface TrainResult {
  runDir: string;
  backend: BackendName;
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
}

const GRID_SAMPLES = 64;
const GRID_COLS_PER_CLASS = 10;
const SCATTER_POINTS = 1000;
/** Figures are read back about this many times per epoch (each read waits for the backend). */
const READS_PER_EPOCH = 50;
/** Keys a resumed run may change; anything else would not be the same run. */
const RESUME_OVERRIDABLE = ['epochs', 'checkpointEvery', 'backend', 'lrD', 'lrG', 'maxMinutes'] as const;

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

const named = (grads: tf.NamedTensorMap) => Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));

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

export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const root = options.workspaceRoot ?? process.cwd();
  let run: RunDir;
  if (options.resume) {
    if (!config.out) throw new ConfigError('resuming needs the run directory (config.out)');
    run = new RunDir(resolve(root, config.out));
  } else {
    run = prepareRunDir(
      config.out ? resolve(root, config.out) : defaultRunDir(config, root),
      options.overwrite ?? false,
    );
  }
  const backend = await initBackend(config.backend === 'auto' ? undefined : config.backend);
  ensureTrainingSupport(tf, backend);
  const data: Dataset = await loadDataset({
    dataset: config.dataset,
    labels: config.labels,
    limit: config.limit,
    imageSize: config.imageSize,
    channels: config.channels,
    seed: config.seed,
    needLabels: config.conditional,
  });
  if (data.count < config.batchSize) {
    throw new RunDirError(
      `the dataset has ${data.count} examples, fewer than one batch (${config.batchSize}): lower --batchSize`,
    );
  }
  const B = config.batchSize;
  const dataShape = data.shape;
  const conditional = config.conditional;
  const numClasses = data.classNames?.length ?? 0;
  const { generator, discriminator } = buildModels(tf, config, { shape: dataShape, numClasses });
  // The EMA copy (same architecture) is what samples and the exported generator use.
  let ema: tf.LayersModel | undefined;
  if (config.emaDecay > 0) {
    const copy = buildModels(tf, config, { shape: dataShape, numClasses });
    copy.discriminator.dispose();
    ema = copy.generator;
    ema.setWeights(generator.getWeights());
  }
  const sampler = ema ?? generator;
  const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const optD = makeOptimizer(config, config.lrD);
  const optG = makeOptimizer(config, config.lrG);
  const obj = objective(tf, config);

  const stepsPerEpoch = Math.floor(data.count / B);
  const onEpochEnd =
    options.onEpochEnd ??
    ((config.evalEvery ?? 0) > 0
      ? epochEvaluator({ every: config.evalEvery!, epochs: config.epochs })
      : undefined);
  const totalSteps = config.epochs * stepsPerEpoch;
  const schedule = criticSchedule(config.dSteps, config.criticBoost);
  // At most READS_PER_EPOCH reads, none more often than every 10 steps (a read waits for the backend).
  const readEvery = Math.max(10, Math.floor(stepsPerEpoch / READS_PER_EPOCH));
  let rng = seedrandom.alea(`train:${config.seed}`, { state: true });
  const nextSeed = () => Math.floor(rng() * 2 ** 31);

  // Fixed inputs for the per-epoch pictures: one row per class for conditional models.
  const gridCols = conditional ? GRID_COLS_PER_CLASS : Math.ceil(Math.sqrt(GRID_SAMPLES));
  const gridCount = conditional ? numClasses * GRID_COLS_PER_CLASS : GRID_SAMPLES;
  const fixedZ = tf.tidy(() => {
    if (data.kind === 'points')
      return tf.randomNormal([SCATTER_POINTS, config.latentDim], 0, 1, 'float32', config.seed + 7);
    const z = tf.randomNormal([gridCols, config.latentDim], 0, 1, 'float32', config.seed + 7);
    // The same noise in every row, so rows differ only by class.
    return conditional
      ? tf.tile(z, [numClasses, 1])
      : tf.randomNormal([gridCount, config.latentDim], 0, 1, 'float32', config.seed + 7);
  });
  const fixedLabels = conditional
    ? tf.tensor2d(
        Int32Array.from({ length: gridCount }, (_, i) => Math.floor(i / gridCols)),
        [gridCount, 1],
        'int32',
      )
    : undefined;
  const realPreview =
    data.kind === 'points' ? data.values.slice(0, Math.min(SCATTER_POINTS, data.count) * 2) : undefined;
  const batchBuf = new Float32Array(B * dataShape.reduce((a, b) => a * b, 1));
  const labelBuf = new Int32Array(B);

  const startedAt = new Date();
  const clock = options.clock ?? (() => performance.now());
  const t0 = clock();
  const elapsed = () => (clock() - t0) / 1000;
  let step = 0;
  let epochsCompleted = 0;
  let interrupted = false;
  let budgetReached = false;
  const budgetSec = (config.maxMinutes ?? 0) * 60;
  let lastCheckpoint: string | undefined;
  let metrics: MetricsRecord[] = [];
  let resumeStepInEpoch = 0;
  let resumeSums: number[] | undefined;
  let priorWallTime = 0;

  if (options.resume) {
    const info = await restoreCheckpoint(tf, run, {
      generator,
      discriminator,
      ema,
      optimizers: { d: optD, g: optG },
    });
    epochsCompleted = info.epoch;
    step = info.step;
    resumeStepInEpoch = info.stepInEpoch;
    resumeSums = info.sums;
    rng = seedrandom.alea('', { state: info.rngState as seedrandom.State.Alea });
    lastCheckpoint = join(run.path(RUN_FILES.checkpointDir), info.dir);
    metrics = run.readMetrics().filter((m) => m.epoch <= info.epoch);
    try {
      priorWallTime = run.readState().wallTimeSec;
    } catch {
      priorWallTime = 0;
    }
  }
  const wall = () => priorWallTime + elapsed();
  const state = (status: RunState['status'], error?: string): RunState => ({
    status,
    epoch: epochsCompleted,
    epochs: config.epochs,
    step,
    seed: config.seed,
    backend,
    startedAt: startedAt.toISOString(),
    updatedAt: new Date().toISOString(),
    wallTimeSec: wall(),
    ...(error ? { error } : {}),
  });

  const imageShape = data.imageShape;
  const card = (estimate?: GaussianEstimate): ModelCard => {
    const lastEval = metrics.filter((m) => m.extra).at(-1);
    const evaluation = lastEval?.extra ? evaluationSource(lastEval.epoch, lastEval.extra) : undefined;
    return {
      name: run.root.split(/[\\/]/).pop() ?? 'run',
      preset: config.preset,
      dataset: { name: data.name, examples: data.count, ...(data.license ? { license: data.license } : {}) },
      latentDim: config.latentDim,
      output: imageShape
        ? {
            kind: 'image',
            height: imageShape[0],
            width: imageShape[1],
            channels: imageShape[2],
            range: [-1, 1],
          }
        : { kind: 'points', dims: dataShape[0] ?? 2 },
      ...(conditional && data.classNames ? { classNames: data.classNames } : {}),
      epochs: epochsCompleted,
      steps: step,
      generatorParams: generator.countParams(),
      discriminatorParams: discriminator.countParams(),
      wallTimeSec: wall(),
      finalMetrics: {
        ...(metrics.length ? { lossD: metrics.at(-1)!.lossD, lossG: metrics.at(-1)!.lossG } : {}),
        ...(estimate ? { worstRelErr: estimate.worstRelErr } : {}),
        // The latest periodic evaluation (eval.* keys), when there is one.
        ...(lastEval?.extra ?? {}),
      },
      ...(evaluation ? { evaluation } : {}),
      reproduce: `npx nx run trainer:train --preset=${config.preset} --seed=${config.seed}`,
    };
  };

  const writeSamples = async (epoch: number) => {
    const out = tf.tidy(() => sampler.predict(fixedLabels ? [fixedZ, fixedLabels] : fixedZ) as tf.Tensor);
    const values = (await out.data()) as Float32Array;
    out.dispose();
    if (!values.every(Number.isFinite)) {
      throw new TrainingError(`the generator's output became NaN/Inf at step ${step} (epoch ${epoch})`);
    }
    const png = imageShape
      ? await imageGridPng(
          values,
          gridCount,
          imageShape[0],
          imageShape[1],
          imageShape[2],
          [-1, 1],
          2,
          gridCols,
        )
      : await scatterPng(realPreview!, values, `epoch ${epoch}: real vs generated`);
    writeFileAtomic(run.path(RUN_FILES.samplesDir, sampleFileName(epoch)), png);
  };
  const checkpoint = async (info: {
    epoch: number;
    stepInEpoch: number;
    rngState: object;
    sums: number[];
  }) => {
    lastCheckpoint = await writeCheckpoint(
      run,
      { generator, discriminator, ema, optimizers: { d: optD, g: optG } },
      { ...info, step, rngState: info.rngState as Record<string, number>, ema: Boolean(ema) },
    );
    options.onEvent?.({ status: 'checkpoint', dir: lastCheckpoint, step });
  };
  const diverged = (what: string, epoch: number) =>
    new TrainingError(
      `${what} became NaN/Inf at step ${step} (epoch ${epoch}): training stopped. ${
        lastCheckpoint
          ? `The last good checkpoint is kept in ${lastCheckpoint}; continue from it with --resume ${run.root} and a lower --lrD/--lrG`
          : 'No checkpoint was written yet; lower --lrD/--lrG (or check the data) and start again'
      }.`,
    );

  if (!options.resume) {
    run.writeConfig({ ...config, out: run.root });
    if (realPreview)
      run.writeRealPoints(
        Array.from({ length: realPreview.length / 2 }, (_, i) => [
          realPreview[2 * i]!,
          realPreview[2 * i + 1]!,
        ]),
      );
  }
  run.writeState(state('running'));
  options.onEvent?.({
    status: 'start',
    runDir: run.root,
    backend,
    dataset: data.name,
    examples: data.count,
    stepsPerEpoch,
    config,
    ...(options.resume ? { resumedAt: { epoch: epochsCompleted, step } } : {}),
  });

  /** One discriminator update on a real batch, and a generator update every dSteps-th step. */
  const trainStep = (
    sums: tf.Tensor,
    x: Float32Array,
    realLabels: Int32Array | undefined,
    stepSeed: number,
    gStep: boolean,
    noiseStd: number,
  ): tf.Tensor =>
    tf.tidy(() => {
      const xb = tf.tensor(x, [B, ...dataShape]);
      const z = tf.randomNormal([B, config.latentDim], 0, 1, 'float32', stepSeed);
      let yReal: tf.Tensor | undefined;
      let yFake: tf.Tensor | undefined;
      if (conditional) {
        yReal = tf.tensor2d(realLabels!, [B, 1], 'int32');
        const r = seedrandom.alea(`labels:${stepSeed}`);
        const labels = Int32Array.from({ length: B }, () => Math.floor(r() * numClasses));
        // Mode seeking compares the two halves of the batch: the same labels, different z.
        if (config.modeSeeking > 0) labels.copyWithin(B / 2, 0, B / 2);
        yFake = tf.tensor2d(labels, [B, 1], 'int32');
      }
      const gIn = yFake ? [z, yFake] : z;
      const dIn = (img: tf.Tensor, y: tf.Tensor | undefined) => (y ? [img, y] : img);
      const noisy = (t: tf.Tensor, k: number) =>
        noiseStd > 0 ? tf.add(t, tf.randomNormal(t.shape, 0, noiseStd, 'float32', stepSeed + k)) : t;
      let realOut: tf.Tensor | undefined;
      let fakeOut: tf.Tensor | undefined;
      /** D's update on this batch and `fake`; returns D's loss. */
      const dStep = (fake: tf.Tensor): tf.Scalar => {
        const d = tf.variableGrads(() => {
          // Kept past the gradient scope for the accuracy figures; the tidy disposes them.
          realOut = tf.keep(discriminator.apply(dIn(noisy(xb, 1), yReal), { training: true }) as tf.Tensor);
          fakeOut = tf.keep(discriminator.apply(dIn(noisy(fake, 2), yFake), { training: true }) as tf.Tensor);
          let loss = obj.d(realOut, fakeOut);
          if (config.gradientPenalty > 0) {
            // WGAN-GP: (‖∇D(x̂)‖ − 1)² at random points between real and generated examples.
            const alpha = tf.randomUniform([B, ...dataShape.map(() => 1)], 0, 1, 'float32', stepSeed + 4);
            const xHat = tf.add(tf.mul(alpha, xb), tf.mul(tf.sub(1, alpha), fake));
            const gradOf = tf.grad((xh: tf.Tensor) =>
              tf.sum(obj.score(discriminator.apply(dIn(xh, yReal), { training: true }) as tf.Tensor)),
            );
            const g = gradOf(xHat);
            const norm = tf.sqrt(
              tf.add(
                tf.sum(
                  tf.square(g),
                  dataShape.map((_, i) => i + 1),
                ),
                1e-12,
              ),
            );
            loss = tf.add(
              loss,
              tf.mul(config.gradientPenalty, tf.mean(tf.square(tf.sub(norm, 1)))),
            ) as tf.Scalar;
          }
          return loss;
        }, dVars);
        optD.applyGradients(named(d.grads));
        if (config.clipValue > 0) {
          for (const v of dVars) v.assign(tf.clipByValue(v, -config.clipValue, config.clipValue));
        }
        return d.value;
      };
      let lossD: tf.Tensor;
      let lossG: tf.Tensor = tf.scalar(0);
      if (gStep) {
        // One forward pass of G serves both updates, as in the PyTorch reference: D's update runs
        // inside G's gradient scope on the same `fake` (D's step is not on the path from G's weights
        // to G's loss, so it adds nothing to G's gradients), then G's loss sees the updated D.
        let dLoss: tf.Tensor | undefined;
        const g = tf.variableGrads(() => {
          const fake = generator.apply(gIn, { training: true }) as tf.Tensor;
          dLoss = tf.keep(dStep(fake));
          const loss = obj.g(
            discriminator.apply(dIn(noisy(fake, 3), yFake), { training: true }) as tf.Tensor,
          );
          return config.modeSeeking > 0
            ? (tf.add(loss, tf.mul(config.modeSeeking, modeSeekingTerm(tf, fake, z))) as tf.Scalar)
            : loss;
        }, gVars);
        lossD = dLoss!;
        optG.applyGradients(named(g.grads));
        lossG = g.value;
        if (ema) {
          const decay = config.emaDecay;
          generator.weights.forEach((w, i) => {
            const e = ema!.weights[i]!;
            e.write(
              w.trainable ? tf.add(tf.mul(e.read(), decay), tf.mul(w.read(), 1 - decay)) : w.read().clone(),
            );
          });
        }
      } else {
        lossD = dStep(generator.apply(gIn, { training: true }) as tf.Tensor);
      }
      const realOk = tf.sum(tf.cast(tf.greater(obj.score(realOut!), 0), 'float32'));
      const fakeOk = tf.sum(tf.cast(tf.lessEqual(obj.score(fakeOut!), 0), 'float32'));
      const beliefReal = tf.sum(obj.belief(realOut!));
      const beliefFake = tf.sum(obj.belief(fakeOut!));
      const out = tf.add(
        sums,
        tf.stack([tf.mul(lossD, B), tf.mul(lossG, B), realOk, fakeOk, beliefReal, beliefFake]),
      );
      // tf.keep let these out of the gradient scopes; this tidy does not own them.
      tf.dispose([realOut!, fakeOut!, ...(gStep ? [lossD] : [])]);
      return out;
    });

  try {
    const firstEpoch = epochsCompleted + 1;
    for (let epoch = firstEpoch; epoch <= config.epochs && !interrupted && !budgetReached; epoch++) {
      const epochStart = performance.now();
      const epochRngState = rng.state() as Record<string, number>;
      // Fisher-Yates with the seeded stream, so a seed fixes the batch order too.
      const perm = Int32Array.from({ length: data.count }, (_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const skip = epoch === firstEpoch ? resumeStepInEpoch : 0;
      for (let s = 0; s < skip; s++) nextSeed(); // the steps done before the resume
      // lossD·n, lossG·n, real correct, fake correct, ΣD(x), ΣD(G(z)) and the counts behind them.
      const prior = skip > 0 && resumeSums ? resumeSums : [0, 0, 0, 0, 0, 0, 0, 0];
      let sums: tf.Tensor = tf.tensor1d(prior.slice(0, 6));
      let seenD = prior[6]!;
      let seenG = prior[7]!;
      let last = { values: prior.slice(0, 6), seenD, seenG };
      let stepsThisRun = 0;
      const readSums = async () => Array.from(await sums.data());
      for (let s = skip; s < stepsPerEpoch; s++) {
        if (options.signal?.aborted) {
          interrupted = true;
          break;
        }
        // Checked before a step, as the PyTorch reference checks its deadline.
        if (budgetSec > 0 && elapsed() >= budgetSec) {
          budgetReached = true;
          break;
        }
        const stepSeed = nextSeed();
        const idx = perm.subarray(s * B, (s + 1) * B);
        if (conditional) for (let i = 0; i < B; i++) labelBuf[i] = data.labels![idx[i]!]!;
        const gStep = schedule.isGeneratorStep(step);
        const noiseStd = config.instanceNoise * Math.max(0, 1 - step / totalSteps);
        const next = trainStep(
          sums,
          batchValues(data, idx, batchBuf),
          conditional ? labelBuf : undefined,
          stepSeed,
          gStep,
          noiseStd,
        );
        sums.dispose();
        sums = next;
        step++;
        stepsThisRun++;
        seenD += B;
        if (gStep) seenG += B;
        let running: RunningFigures | undefined;
        if ((s + 1) % readEvery === 0 || s + 1 === stepsPerEpoch) {
          const v = await readSums();
          if (!v.every(Number.isFinite)) throw diverged(Number.isFinite(v[0]!) ? 'loss_G' : 'loss_D', epoch);
          const dD = seenD - last.seenD;
          const dG = seenG - last.seenG;
          const point: CurvePoint = {
            step,
            lossD: (v[0]! - last.values[0]!) / dD,
            lossG: dG > 0 ? (v[1]! - last.values[1]!) / dG : null,
          };
          appendFileSync(run.path(RUN_FILES.curve), JSON.stringify(point) + '\n');
          last = { values: v, seenD, seenG };
          running = {
            lossD: v[0]! / seenD,
            lossG: seenG > 0 ? v[1]! / seenG : 0,
            dReal: v[4]! / seenD,
            dFake: v[5]! / seenD,
            examplesPerSec: (stepsThisRun * B) / ((performance.now() - epochStart) / 1000),
          };
        }
        options.onEvent?.({
          status: 'step',
          epoch,
          stepInEpoch: s + 1,
          stepsPerEpoch,
          step,
          ...(running ? { running } : {}),
        });
        if (config.checkpointEvery > 0 && step % config.checkpointEvery === 0 && s + 1 < stepsPerEpoch) {
          const v = await readSums();
          if (!v.every(Number.isFinite)) throw diverged('the loss', epoch);
          await checkpoint({
            epoch: epoch - 1,
            stepInEpoch: s + 1,
            rngState: epochRngState,
            sums: [...v, seenD, seenG],
          });
        }
      }
      const v = await readSums();
      sums.dispose();
      if (interrupted || budgetReached) {
        // Keep the steps done since the last checkpoint: write one where the run stopped.
        if (stepsThisRun > 0) {
          if (!v.every(Number.isFinite)) throw diverged('the loss', epoch);
          const stepInEpoch = skip + stepsThisRun;
          await checkpoint({
            epoch: epoch - 1,
            stepInEpoch,
            rngState: epochRngState,
            sums: [...v, seenD, seenG],
          });
          await sampler.save(new FileModelIO(run.path(RUN_FILES.generatorDir)));
          await discriminator.save(new FileModelIO(run.path(RUN_FILES.discriminatorDir)));
          // A time budget is a normal end: show where the generator got to.
          if (budgetReached) await writeSamples(epoch);
        }
        break;
      }
      if (!v.every(Number.isFinite)) throw diverged('the loss', epoch);
      const [lossD = 0, lossG = 0, realOk = 0, fakeOk = 0, dReal = 0, dFake = 0] = v;
      const record: MetricsRecord = {
        epoch,
        step,
        lossD: lossD / seenD,
        lossG: seenG > 0 ? lossG / seenG : 0,
        accReal: realOk / seenD,
        accFake: fakeOk / seenD,
        dReal: dReal / seenD,
        dFake: dFake / seenD,
        examplesPerSec: (stepsThisRun * B) / ((performance.now() - epochStart) / 1000),
        wallTimeSec: wall(),
      };
      await writeSamples(epoch);
      epochsCompleted = epoch;
      // The run's generator/ is what gets exported and shown: the EMA copy when there is one.
      await sampler.save(new FileModelIO(run.path(RUN_FILES.generatorDir)));
      await discriminator.save(new FileModelIO(run.path(RUN_FILES.discriminatorDir)));
      await checkpoint({
        epoch,
        stepInEpoch: 0,
        rngState: rng.state() as Record<string, number>,
        sums: [0, 0, 0, 0, 0, 0, 0, 0],
      });
      if (onEpochEnd) {
        const extra = await onEpochEnd({
          epoch,
          step,
          runDir: run.root,
          config,
          generator: sampler,
          ...(data.classNames ? { classNames: data.classNames } : {}),
        });
        if (extra && Object.keys(extra).length > 0) record.extra = extra;
      }
      metrics.push(record);
      await run.appendMetrics(record);
      writeFileAtomic(
        run.path(RUN_FILES.losses),
        await lossCurvePng(readCurve(run), metrics, `${config.preset}: losses`),
      );
      run.writeModelCard(card());
      run.writeState(state('running'));
      options.onEvent?.({ status: 'epoch', record, epochs: config.epochs });
    }

    let estimate: GaussianEstimate | undefined;
    if (data.kind === 'points' && epochsCompleted > 0 && !interrupted) {
      const zEval = tf.randomNormal(
        [config.evalSamples, config.latentDim],
        0,
        1,
        'float32',
        config.seed + 11,
      );
      const pts = sampler.predict(zEval) as tf.Tensor;
      estimate = gaussianEstimate((await pts.data()) as Float32Array);
      tf.dispose([zEval, pts]);
    }
    if (epochsCompleted > 0 || (budgetReached && step > 0)) run.writeModelCard(card(estimate));
    run.writeState(state(interrupted ? 'interrupted' : 'completed'));
    const result: TrainResult = {
      runDir: run.root,
      backend,
      epochsCompleted,
      steps: step,
      interrupted,
      budgetReached,
      wallTimeSec: elapsed(),
      metrics,
      ...(lastCheckpoint ? { checkpoint: lastCheckpoint } : {}),
      ...(estimate ? { estimate } : {}),
    };
    options.onEvent?.({ status: 'done', result });
    return result;
  } catch (e) {
    run.writeState(state('failed', (e as Error).message));
    throw e;
  } finally {
    tf.dispose([fixedZ, ...(fixedLabels ? [fixedLabels] : [])]);
    generator.dispose();
    discriminator.dispose();
    ema?.dispose();
    optD.dispose();
    optG.dispose();
  }
}
