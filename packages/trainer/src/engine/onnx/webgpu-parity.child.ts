/**
 * The child process of webgpu.test.ts (WebGPU finds its Vulkan driver from the environment the
 * process starts with): trains the same models on the same batches with the compiled step on the CPU
 * provider and on WebGPU, and prints one JSON line per case with how far apart they ended up: a
 * step's losses; the weights (G, D, the EMA copy, BatchNorm statistics), read back after the first
 * step (the steps then go on from the state on the device) and at the end; the Adam slots after the
 * first step, where they hold (1 − β) times the gradient.
 *
 * Later slots are not compared: an Adam step moves a weight by about ±lr whatever the size of its
 * gradient, so a gradient that is zero up to rounding moves it differently on the two providers, and
 * the next gradients see that (DCGAN-28's second-step gradients differ by ~2e-3 while its weights
 * agree to 1e-5).
 *
 *   node --import tsx webgpu-parity.child.ts '<cases as JSON>'
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { resolveConfig, type ConfigOverrides } from '../../config';
import { ensureTrainingSupport } from '../grad-support';
import { readOptimizerState } from '../optimizer-state';
import { zeroSums } from '../sums';
import type { EngineModels } from '../types';
import { createNodeEngine } from './node-engine';
import { makeModels, relErr } from './parity-helpers';

export interface ParityCase {
  name: string;
  flags: ConfigOverrides;
  shape: number[];
  /** Per step: whether G is updated too (false: a critic-only step). */
  generatorSteps: boolean[];
}

export interface ParityResult {
  name: string;
  device: string;
  deviceNote?: string;
  steps: number;
  /** max over steps of |loss_webgpu − loss_cpu| / max(|loss_cpu|, 1), for loss_D and loss_G. */
  loss: number;
  /** ‖a − b‖ / ‖b‖ over all of a network's weights (G, D, the EMA copy; BatchNorm statistics too). */
  weights: number;
  /** The same over each Adam slot (m, v) of both networks, after the first step. */
  slots: number;
  /** The largest difference of one weight. */
  maxAbs: number;
  /** The tensor with the largest ‖a − b‖ / ‖b‖ of its own, and that figure. */
  worst: string;
  worstTensor: number;
}

const flat = (ts: ArrayLike<number>[]) => Float32Array.from(ts.flatMap((t) => Array.from(t)));

/** The largest difference of the two runs' weights and Adam slots, after both synced. */
async function compareState(
  cpu: EngineModels,
  gpu: EngineModels,
  out: Omit<ParityResult, 'name' | 'device' | 'steps'>,
  slots: boolean,
) {
  for (const key of ['generator', 'discriminator', 'ema'] as const) {
    const [a, b] = [gpu[key], cpu[key]];
    if (!a || !b) continue;
    const va = a.weights.map((w) => w.read().dataSync());
    const vb = b.weights.map((w) => w.read().dataSync());
    out.weights = Math.max(out.weights, relErr(flat(va), flat(vb)));
    vb.forEach((t, i) => {
      const e = relErr(va[i]!, t);
      if (e > out.worstTensor) Object.assign(out, { worstTensor: e, worst: `${key} ${b.weights[i]!.name}` });
      for (let j = 0; j < t.length; j++) out.maxAbs = Math.max(out.maxAbs, Math.abs(va[i]![j]! - t[j]!));
    });
  }
  for (const key of slots ? (['optG', 'optD'] as const) : []) {
    const [a, b] = await Promise.all([readOptimizerState(gpu[key]), readOptimizerState(cpu[key])]);
    for (const k of [0, 1]) {
      const e = relErr(flat(a.slots.map((p) => p[k]!)), flat(b.slots.map((p) => p[k]!)));
      out.slots = Math.max(out.slots, e);
    }
  }
}

async function runCase(c: ParityCase): Promise<ParityResult> {
  const config = resolveConfig({ flags: { ...c.flags, seed: 7 } });
  const B = config.batchSize;
  const models = [makeModels(tf, config, c.shape), makeModels(tf, config, c.shape)] as const;
  const ctx = { config, batch: B, dataShape: c.shape, threads: 0 };
  const cpu = await createNodeEngine(tf, models[0], { ...ctx, provider: 'cpu' });
  const gpu = await createNodeEngine(tf, models[1], { ...ctx, provider: 'webgpu' });
  const rand = seedrandom.alea('webgpu-parity');
  const n = B * c.shape.reduce((a, b) => a * b, 1);
  const out = { weights: 0, slots: 0, maxAbs: 0, worst: '', worstTensor: 0, loss: 0 };
  try {
    for (const [k, generatorStep] of c.generatorSteps.entries()) {
      const x = Float32Array.from({ length: n }, () => rand() * 2 - 1);
      const figures = [];
      for (const e of [cpu, gpu]) {
        e.setSums(zeroSums());
        await e.step({ x, seed: 50 + k, generatorStep, noiseStd: config.instanceNoise });
        figures.push(await e.readSums());
      }
      const [a, b] = figures as [ReturnType<typeof zeroSums>, ReturnType<typeof zeroSums>];
      for (const key of ['lossD', 'lossG'] as const) {
        out.loss = Math.max(out.loss, Math.abs(b[key] - a[key]) / Math.max(Math.abs(a[key]), B));
      }
      // Read back after the first step (as a checkpoint does: the steps go on from the device state)
      // and at the end.
      if (k === 0 || k === c.generatorSteps.length - 1) {
        await cpu.sync();
        await gpu.sync();
        await compareState(models[0], models[1], out, k === 0);
      }
    }
    return {
      name: c.name,
      device: gpu.device,
      ...(gpu.deviceNote ? { deviceNote: gpu.deviceNote } : {}),
      steps: c.generatorSteps.length,
      ...out,
    };
  } finally {
    cpu.dispose();
    gpu.dispose();
  }
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  ensureTrainingSupport(tf, 'cpu');
  const cases = JSON.parse(process.argv[2] ?? '[]') as ParityCase[];
  for (const c of cases) console.log(JSON.stringify(await runCase(c)));
}

await main();
