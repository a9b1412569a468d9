/**
 * The training loop. It reports progress through typed events (the CLI turns them into progress
 * bars and lines) and writes everything to the run directory as it goes.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { initBackend, tf, type BackendName } from './backend';
import type { TrainConfig } from './config';
import { batchValues, loadDataset, type Dataset } from './data/datasets';
import { gaussianEstimate, type GaussianEstimate } from './estimate';
import { buildModels } from './models';
import { imageGridPng, scatterPng } from './plots';
import { RunDir, RunDirError, writeFileAtomic } from './run/io';
import { FileModelIO } from './run/model-io';
import { RUN_FILES, sampleFileName, type MetricsRecord, type ModelCard, type RunState } from './run/schema';

export type TrainEvent =
  | {
      status: 'start';
      runDir: string;
      backend: BackendName;
      dataset: string;
      examples: number;
      stepsPerEpoch: number;
      config: TrainConfig;
    }
  | { status: 'step'; epoch: number; stepInEpoch: number; stepsPerEpoch: number }
  | { status: 'epoch'; record: MetricsRecord; epochs: number }
  | { status: 'done'; result: TrainResult };

export interface TrainOptions {
  onEvent?: (event: TrainEvent) => void;
  /** Aborting stops after the current step; the checkpoint and state are still written. */
  signal?: AbortSignal;
  /** Base for the default run directory (runs/ under it). */
  workspaceRoot?: string;
  /** Replace an existing run directory instead of refusing to touch it. */
  overwrite?: boolean;
}

export interface TrainResult {
  runDir: string;
  backend: BackendName;
  epochsCompleted: number;
  steps: number;
  interrupted: boolean;
  wallTimeSec: number;
  metrics: MetricsRecord[];
  /** 2-D runs: the d2l mean/covariance read-out over `evalSamples` generated points. */
  estimate?: GaussianEstimate;
}

const GRID_SAMPLES = 64;
const SCATTER_POINTS = 1000;

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
      `run directory ${run.root} already exists and is not empty: pass another --out (nothing was overwritten)`,
    );
  }
  return run;
}

const named = (grads: tf.NamedTensorMap) => Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));

function sigmoidCE(logits: tf.Tensor, label: 0 | 1): tf.Scalar {
  const labels = label === 1 ? tf.onesLike(logits) : tf.zerosLike(logits);
  return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
}

export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const root = options.workspaceRoot ?? process.cwd();
  const run = prepareRunDir(
    config.out ? resolve(root, config.out) : defaultRunDir(config, root),
    options.overwrite ?? false,
  );
  const backend = await initBackend(config.backend === 'auto' ? undefined : config.backend);
  const data: Dataset = loadDataset(config.dataset, config.seed, config.limit);
  if (data.count < config.batchSize) {
    throw new RunDirError(
      `the dataset has ${data.count} examples, fewer than one batch (${config.batchSize}): lower --batchSize`,
    );
  }
  const dataShape = data.shape;
  const { generator, discriminator } = buildModels(tf, config, dataShape);
  const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  // PyTorch's Adam epsilon (1e-8), so the d2l figures compare like for like.
  const optD = tf.train.adam(config.lrD, config.beta1, config.beta2, 1e-8);
  const optG = tf.train.adam(config.lrG, config.beta1, config.beta2, 1e-8);
  const rng = seedrandom.alea(`train:${config.seed}`);
  const nextSeed = () => Math.floor(rng() * 2 ** 31);
  const fixedZ = tf.randomNormal(
    [data.kind === 'points' ? SCATTER_POINTS : GRID_SAMPLES, config.latentDim],
    0,
    1,
    'float32',
    config.seed + 7,
  );
  const realPreview =
    data.kind === 'points' ? data.values.slice(0, Math.min(SCATTER_POINTS, data.count) * 2) : undefined;
  const batchBuf = new Float32Array(config.batchSize * dataShape.reduce((a, b) => a * b, 1));

  const stepsPerEpoch = Math.floor(data.count / config.batchSize);
  const startedAt = new Date();
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  let step = 0;
  let epochsCompleted = 0;
  let interrupted = false;
  const metrics: MetricsRecord[] = [];
  const state = (status: RunState['status'], error?: string): RunState => ({
    status,
    epoch: epochsCompleted,
    epochs: config.epochs,
    step,
    seed: config.seed,
    backend,
    startedAt: startedAt.toISOString(),
    updatedAt: new Date().toISOString(),
    wallTimeSec: elapsed(),
    ...(error ? { error } : {}),
  });

  const imageShape = data.imageShape;
  const card = (estimate?: GaussianEstimate): ModelCard => ({
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
    epochs: epochsCompleted,
    steps: step,
    generatorParams: generator.countParams(),
    discriminatorParams: discriminator.countParams(),
    wallTimeSec: elapsed(),
    finalMetrics: {
      ...(metrics.length ? { lossD: metrics.at(-1)!.lossD, lossG: metrics.at(-1)!.lossG } : {}),
      ...(estimate ? { worstRelErr: estimate.worstRelErr } : {}),
    },
    reproduce: `npx nx run trainer:train --preset=${config.preset} --seed=${config.seed}`,
  });

  const writeSamples = async (epoch: number) => {
    const out = tf.tidy(() => generator.predict(fixedZ) as tf.Tensor);
    const values = (await out.data()) as Float32Array;
    out.dispose();
    const png = imageShape
      ? await imageGridPng(values, GRID_SAMPLES, imageShape[0], imageShape[1], imageShape[2])
      : await scatterPng(realPreview!, values, `epoch ${epoch}: real vs generated`);
    writeFileAtomic(run.path(RUN_FILES.samplesDir, sampleFileName(epoch)), png);
  };
  const checkpoint = async () => {
    await generator.save(new FileModelIO(run.path(RUN_FILES.generatorDir)));
    await discriminator.save(new FileModelIO(run.path(RUN_FILES.discriminatorDir)));
  };

  run.writeConfig({ ...config, out: run.root });
  run.writeState(state('running'));
  if (realPreview)
    run.writeRealPoints(
      Array.from({ length: realPreview.length / 2 }, (_, i) => [
        realPreview[2 * i]!,
        realPreview[2 * i + 1]!,
      ]),
    );
  options.onEvent?.({
    status: 'start',
    runDir: run.root,
    backend,
    dataset: data.name,
    examples: data.count,
    stepsPerEpoch,
    config,
  });

  try {
    for (let epoch = 1; epoch <= config.epochs && !interrupted; epoch++) {
      const epochStart = performance.now();
      // Fisher-Yates with the seeded stream, so a seed fixes the batch order too.
      const perm = Int32Array.from({ length: data.count }, (_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      let sums = tf.zeros([4]); // lossD, lossG, real correct, fake correct
      let seen = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (options.signal?.aborted) {
          interrupted = true;
          break;
        }
        const stepSeed = nextSeed();
        const next = tf.tidy(() => {
          const x = tf.tensor(
            batchValues(data, perm.subarray(s * config.batchSize, (s + 1) * config.batchSize), batchBuf),
            [config.batchSize, ...dataShape],
          );
          const z = tf.randomNormal([config.batchSize, config.latentDim], 0, 1, 'float32', stepSeed);
          let realLogits: tf.Tensor | undefined;
          let fakeLogits: tf.Tensor | undefined;
          const d = tf.variableGrads(() => {
            const fake = generator.apply(z, { training: true }) as tf.Tensor;
            // Kept past the gradient scope for the accuracy figures; disposed below.
            realLogits = tf.keep(discriminator.apply(x, { training: true }) as tf.Tensor);
            fakeLogits = tf.keep(discriminator.apply(fake, { training: true }) as tf.Tensor);
            return sigmoidCE(realLogits, 1).add(sigmoidCE(fakeLogits, 0)).div(2) as tf.Scalar;
          }, dVars);
          optD.applyGradients(named(d.grads));
          // Non-saturating generator loss: -log D(G(z)).
          const g = tf.variableGrads(
            () =>
              sigmoidCE(
                discriminator.apply(generator.apply(z, { training: true }), { training: true }) as tf.Tensor,
                1,
              ),
            gVars,
          );
          optG.applyGradients(named(g.grads));
          const realOk = realLogits!.greater(0).cast('float32').sum();
          const fakeOk = fakeLogits!.lessEqual(0).cast('float32').sum();
          tf.dispose([realLogits!, fakeLogits!]);
          return sums.add(
            tf.stack([d.value.mul(config.batchSize), g.value.mul(config.batchSize), realOk, fakeOk]),
          );
        });
        sums.dispose();
        sums = next;
        seen += config.batchSize;
        step++;
        options.onEvent?.({ status: 'step', epoch, stepInEpoch: s + 1, stepsPerEpoch });
      }
      const [lossD = 0, lossG = 0, realOk = 0, fakeOk = 0] = Array.from(await sums.data());
      sums.dispose();
      if (seen === 0) break;
      const record: MetricsRecord = {
        epoch,
        step,
        lossD: lossD / seen,
        lossG: lossG / seen,
        accReal: realOk / seen,
        accFake: fakeOk / seen,
        examplesPerSec: seen / ((performance.now() - epochStart) / 1000),
        wallTimeSec: elapsed(),
      };
      epochsCompleted = epoch;
      metrics.push(record);
      await run.appendMetrics(record);
      await writeSamples(epoch);
      await checkpoint();
      run.writeModelCard(card());
      run.writeState(state('running'));
      options.onEvent?.({ status: 'epoch', record, epochs: config.epochs });
    }

    let estimate: GaussianEstimate | undefined;
    if (data.kind === 'points' && epochsCompleted > 0) {
      const zEval = tf.randomNormal(
        [config.evalSamples, config.latentDim],
        0,
        1,
        'float32',
        config.seed + 11,
      );
      const pts = generator.predict(zEval) as tf.Tensor;
      estimate = gaussianEstimate((await pts.data()) as Float32Array);
      tf.dispose([zEval, pts]);
    }
    run.writeModelCard(card(estimate));
    run.writeState(state(interrupted ? 'interrupted' : 'completed'));
    const result: TrainResult = {
      runDir: run.root,
      backend,
      epochsCompleted,
      steps: step,
      interrupted,
      wallTimeSec: elapsed(),
      metrics,
      ...(estimate ? { estimate } : {}),
    };
    options.onEvent?.({ status: 'done', result });
    return result;
  } catch (e) {
    run.writeState(state('failed', (e as Error).message));
    throw e;
  } finally {
    fixedZ.dispose();
    generator.dispose();
    discriminator.dispose();
    optD.dispose();
    optG.dispose();
  }
}
