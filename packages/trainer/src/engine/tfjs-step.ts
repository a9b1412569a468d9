/**
 * The TF.js engine: a step as TF.js ops on whichever TF.js backend is active. It covers every model
 * and option (conditional models, gradient penalty, mode seeking, the softmax head) and is the
 * reference the compiled engine is tested against.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config';
import type { OverfitSignal } from '../gan/ada';
import { augmentTfjs, drawAugment, type AugmentPass } from '../gan/augment';
import { modeSeekingTerm, objective } from '../gan/losses';
import {
  clipWeights,
  emaDecayAt,
  gradientPenalty,
  r1Penalty,
  updateEma,
  withNoise,
} from '../gan/regularisers';
import { fakeLabels } from './labels';
import type { EpochSums } from './sums';
import type { EngineModels, StepBatch, TrainEngine } from './types';

type T = tfTypes.Tensor;

export interface TfjsEngineOptions {
  config: TrainConfig;
  batch: number;
  /** One example's shape in TF.js layout. */
  dataShape: number[];
  /** Classes of a conditional model. */
  numClasses: number;
}

export class TfjsEngine implements TrainEngine {
  readonly name = 'tfjs' as const;
  /** lossD·B, lossG·B, real judged real, fake judged fake, ΣD(x), ΣD(G(z)), on the backend. */
  private sums: T;
  /** Σ sign(score) over the real examples since takeSignal, on the backend, and their count. */
  private signal: { sum: T; count: number };
  /** Examples D's and G's updates saw since the sums were set. */
  private seen = { d: 0, g: 0 };
  private readonly gVars: tfTypes.Variable[];
  private readonly dVars: tfTypes.Variable[];
  private readonly obj;

  constructor(
    private readonly tf: typeof tfTypes,
    private readonly models: EngineModels,
    private readonly opts: TfjsEngineOptions,
    readonly note?: string,
  ) {
    this.sums = tf.zeros([6]);
    this.signal = { sum: tf.scalar(0), count: 0 };
    this.gVars = models.generator.trainableWeights.map((w) => w.read() as tfTypes.Variable);
    this.dVars = models.discriminator.trainableWeights.map((w) => w.read() as tfTypes.Variable);
    this.obj = objective(tf, opts.config);
  }

  async step(batch: StepBatch): Promise<void> {
    const [next, sign] = this.stepTensors(batch);
    this.sums.dispose();
    this.sums = next;
    const sum = this.tf.add(this.signal.sum, sign);
    this.tf.dispose([this.signal.sum, sign]);
    this.signal = { sum, count: this.signal.count + this.opts.batch };
    this.seen.d += this.opts.batch;
    if (batch.generatorStep) this.seen.g += this.opts.batch;
  }

  /**
   * One discriminator update on a real batch, then a generator update on generator steps; returns the
   * new sums and this step's Σ sign(score) over the real examples.
   */
  private stepTensors(batch: StepBatch): [T, T] {
    const { tf, obj } = this;
    const { config, dataShape, numClasses } = this.opts;
    const { generator, discriminator, ema, optD, optG } = this.models;
    const B = this.opts.batch;
    const seed = batch.seed;
    const named = (grads: tfTypes.NamedTensorMap) =>
      Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));
    return tf.tidy(() => {
      const xb = tf.tensor(batch.x, [B, ...dataShape]);
      const z = tf.randomNormal([B, config.latentDim], 0, 1, 'float32', seed);
      let yReal: T | undefined;
      let yFake: T | undefined;
      if (config.conditional) {
        yReal = tf.tensor2d(batch.labels!, [B, 1], 'int32');
        yFake = tf.tensor2d(fakeLabels(seed, B, numClasses, config.modeSeeking > 0), [B, 1], 'int32');
      }
      const gIn = yFake ? [z, yFake] : z;
      const D = (img: T, y: T | undefined) =>
        discriminator.apply(y ? [img, y] : img, { training: true }) as T;
      const noisy = (t: T, k: number) => withNoise(tf, t, batch.noiseStd, seed + k);
      const drawn = config.augment.length ? drawAugment(seed, B, dataShape, batch.augmentP ?? 1) : undefined;
      const augment = (t: T, pass: AugmentPass) =>
        drawn ? augmentTfjs(tf, t, config.augment, drawn[pass]) : t;
      let realOut: T | undefined;
      let fakeOut: T | undefined;
      /** D's update on this batch and `fake`; returns D's loss. */
      const dStep = (fake: T): tfTypes.Scalar => {
        const d = tf.variableGrads(() => {
          // Kept past the gradient scope for the accuracy figures; the tidy disposes them.
          realOut = tf.keep(D(noisy(augment(xb, 'real'), 1), yReal));
          fakeOut = tf.keep(D(noisy(augment(fake, 'fake'), 2), yFake));
          let loss: T = obj.d(realOut, fakeOut);
          if (config.gradientPenalty > 0) {
            // At points between the batches as D sees them (augmented), without instance noise.
            const [xr, xf] = [augment(xb, 'real'), augment(fake, 'fake')];
            const score = (xh: T) => obj.score(D(xh, yReal));
            loss = tf.add(loss, gradientPenalty(tf, config.gradientPenalty, xr, xf, seed + 4, score));
          }
          if (batch.r1 && config.r1 > 0) {
            const score = (x: T) => obj.score(D(augment(x, 'real'), yReal));
            loss = tf.add(loss, r1Penalty(tf, config.r1 * config.r1Every, xb, score));
          }
          return loss as tfTypes.Scalar;
        }, this.dVars);
        optD.applyGradients(named(d.grads));
        if (config.clipValue > 0) clipWeights(tf, this.dVars, config.clipValue);
        return d.value;
      };
      let lossD: T;
      let lossG: T = tf.scalar(0);
      if (batch.generatorStep) {
        // One forward pass of G serves both updates, as in the PyTorch reference: D's update runs
        // inside G's gradient scope on the same `fake` (D's step is not on the path from G's weights
        // to G's loss, so it adds nothing to G's gradients), then G's loss sees the updated D.
        let dLoss: T | undefined;
        const g = tf.variableGrads(() => {
          const fake = generator.apply(gIn, { training: true }) as T;
          dLoss = tf.keep(dStep(fake));
          const loss = obj.g(D(noisy(augment(fake, 'fakeG'), 3), yFake));
          return config.modeSeeking > 0
            ? (tf.add(loss, tf.mul(config.modeSeeking, modeSeekingTerm(tf, fake, z))) as tfTypes.Scalar)
            : loss;
        }, this.gVars);
        lossD = dLoss!;
        optG.applyGradients(named(g.grads));
        lossG = g.value;
        // applyGradients has counted this update: it is number iterations − 1.
        if (ema) updateEma(tf, generator, ema, emaDecayAt(config.emaDecay, optG.iterations - 1));
      } else {
        lossD = dStep(generator.apply(gIn, { training: true }) as T);
      }
      const realOk = tf.sum(tf.cast(tf.greater(obj.score(realOut!), 0), 'float32'));
      const fakeOk = tf.sum(tf.cast(tf.lessEqual(obj.score(fakeOut!), 0), 'float32'));
      const out = tf.add(
        this.sums,
        tf.stack([
          tf.mul(lossD, B),
          tf.mul(lossG, B),
          realOk,
          fakeOk,
          tf.sum(obj.belief(realOut!)),
          tf.sum(obj.belief(fakeOut!)),
        ]),
      );
      const sign = tf.sum(tf.sign(obj.score(realOut!)));
      // tf.keep let these out of the gradient scopes; this tidy does not own them.
      tf.dispose([realOut!, fakeOut!, ...(batch.generatorStep ? [lossD] : [])]);
      return [out, sign];
    });
  }

  async readSums(): Promise<EpochSums> {
    const [lossD, lossG, realJudgedReal, fakeJudgedFake, dReal, dFake] = await this.sums.data();
    return {
      lossD: lossD!,
      lossG: lossG!,
      realJudgedReal: realJudgedReal!,
      fakeJudgedFake: fakeJudgedFake!,
      dReal: dReal!,
      dFake: dFake!,
      seenD: this.seen.d,
      seenG: this.seen.g,
    };
  }

  async takeSignal(): Promise<OverfitSignal> {
    const [sum] = await this.signal.sum.data();
    const taken = { sum: sum!, count: this.signal.count };
    this.signal.sum.dispose();
    this.signal = { sum: this.tf.scalar(0), count: 0 };
    return taken;
  }

  setSums(s: EpochSums): void {
    this.sums.dispose();
    this.sums = this.tf.tensor1d([s.lossD, s.lossG, s.realJudgedReal, s.fakeJudgedFake, s.dReal, s.dFake]);
    this.seen = { d: s.seenD, g: s.seenG };
  }

  async sync(): Promise<void> {
    // The TF.js models and optimizers are the state.
  }

  dispose(): void {
    this.sums.dispose();
    this.signal.sum.dispose();
  }
}
