/**
 * The compiled engine's browser home against its Node home: the graphs the web engine opens are,
 * byte for byte, the ones the step compiler builds for the Node trainer, and two steps on
 * onnxruntime-web (its wasm provider, here in Node) give the losses and gradients of two steps on
 * onnxruntime-node within 1e-4, and their weights as the CPU parity test holds engines to them.
 */
import * as tf from '@tensorflow/tfjs';
import * as ortWeb from 'onnxruntime-web';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config';
import { readOptimizerState } from '../optimizer-state';
import { sumsToList } from '../sums';
import type { EngineModels, TrainEngine } from '../types';
import { readNet } from './net';
import { createNodeEngine } from './node-engine';
import type { Ort } from './ort';
import { makeModels, relErr, weightsAgree } from './parity-helpers';
import { buildStepGraph } from './step';
import { createWebEngine } from './web-engine';

const CASES = [
  { name: 'DCGAN-28', flags: { preset: 'dcgan28', batchSize: 8 }, shape: [28, 28, 1] },
  { name: 'MLP GAN', flags: { preset: 'mlp', batchSize: 16 }, shape: [28, 28, 1] },
  { name: 'gaussian2d with two critic steps', flags: { preset: 'gaussian2d', dSteps: 2 }, shape: [2] },
];

/** onnxruntime-web, with a record of every graph it is asked to open. */
const opened: Uint8Array[] = [];
const recording: Ort = {
  Tensor: ortWeb.Tensor,
  InferenceSession: {
    ...ortWeb.InferenceSession,
    create: ((bytes: Uint8Array, options?: ortWeb.InferenceSession.SessionOptions) => {
      opened.push(bytes.slice());
      return ortWeb.InferenceSession.create(bytes, options);
    }) as typeof ortWeb.InferenceSession.create,
  },
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  // One thread: the same order of additions on every machine.
  ortWeb.env.wasm.numThreads = 1;
});

const engines: TrainEngine[] = [];
const made: EngineModels[] = [];
afterAll(() => {
  for (const e of engines) e.dispose();
  for (const m of made) for (const d of [m.generator, m.discriminator, m.optD, m.optG]) d.dispose();
});

describe('the compiled step on onnxruntime-web', () => {
  it.each(CASES)(
    '$name: the graphs of the Node trainer, and its figures and state after two steps',
    async (c) => {
      const config = resolveConfig({ flags: { ...c.flags, seed: 5 } });
      const B = config.batchSize;
      const ctx = { config, batch: B, dataShape: c.shape };
      const [webModels, nodeModels] = [makeModels(tf, config, c.shape), makeModels(tf, config, c.shape)];
      made.push(webModels, nodeModels);
      opened.length = 0;
      const web = await createWebEngine(recording, tf, webModels, ctx);
      const node = await createNodeEngine(tf, nodeModels, { ...ctx, threads: 1, provider: 'cpu' });
      engines.push(web, node);

      const G = readNet(nodeModels.generator);
      const D = readNet(nodeModels.discriminator);
      const critics = config.dSteps > 1 ? [true, false] : [true];
      const built = critics.map((g) => buildStepGraph(G, D, config, B, c.shape, g).bytes);
      expect(opened.length).toBe(built.length);
      opened.forEach((bytes, i) => expect(Buffer.from(bytes).equals(Buffer.from(built[i]!))).toBe(true));

      const rand = seedrandom.alea('web-parity');
      const n = B * c.shape.reduce((a, b) => a * b, 1);
      for (const [k, generatorStep] of [true, config.dSteps === 1].entries()) {
        const x = Float32Array.from({ length: n }, () => rand() * 2 - 1);
        const batch = { x, seed: 20 + k, generatorStep, noiseStd: 0 };
        await web.step(batch);
        await node.step(batch);
      }
      const [sumsWeb, sumsNode] = (await Promise.all([web.readSums(), node.readSums()])).map(sumsToList);
      // loss_D, loss_G and D's outputs agree to rounding; the counts of examples exactly.
      expect(relErr(sumsWeb!.slice(0, 6), sumsNode!.slice(0, 6))).toBeLessThan(1e-4);
      expect(sumsWeb!.slice(6)).toEqual(sumsNode!.slice(6));
      await web.sync();
      await node.sync();
      // Gradients (the optimizers' first slots) as the CPU parity test holds them: all together to
      // 1e-4, each tensor to 1e-3 (a bias gradient can be a sum that nearly cancels).
      for (const key of ['optG', 'optD'] as const) {
        const [a, b] = await Promise.all([
          readOptimizerState(webModels[key]),
          readOptimizerState(nodeModels[key]),
        ]);
        expect(a.iterations).toBe(b.iterations);
        expect(a.powers).toEqual(b.powers);
        a.slots.forEach(([m], i) => expect(relErr(m, b.slots[i]![0]), `${key} slot ${i}`).toBeLessThan(1e-3));
        const all = (st: typeof a) => st.slots.flatMap(([m]) => Array.from(m));
        expect(relErr(all(a), all(b)), key).toBeLessThan(1e-4);
      }
      // Weights, the BatchNorm moving statistics (not trained) strictly. wasm and AVX-512 sum in other
      // orders: of G's 6,272 BatchNorm offsets, whose gradients are sums that nearly cancel, 13 moved
      // the other way (an Adam step is about ±lr whatever the gradient's size), hence 1% here.
      for (const key of ['generator', 'discriminator'] as const) {
        const values = (m: typeof webModels) =>
          m[key].weights.map((w) => w.read().dataSync() as Float32Array);
        const [a, b] = [values(webModels), values(nodeModels)];
        nodeModels[key].weights.forEach((w, i) => {
          if (w.trainable) expect(weightsAgree(a[i]!, b[i]!, 0.01), `${key} ${w.name}`).toBe(true);
          else expect(relErr(a[i]!, b[i]!), `${key} ${w.name}`).toBeLessThan(1e-4);
        });
      }
    },
  );
});
