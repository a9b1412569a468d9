/**
 * A 2-D training step taken apart, in the worker: its two updates run on their own (Step D, Step G) or
 * walked stage by stage (slow motion: G makes the batch's points, D classifies them, the loss, its
 * gradients, the update; for D's half, then for G's). Both run the same updates as the whole step
 * (StepLoop.updateD and updateG), so they end at the weights a normal step reaches.
 */
import { objective, tf, type GanModels } from '@ganforge/trainer/browser';
import { pointGradients } from './phases';
import { STAGES, type StageView } from './protocol';
import type { BegunStep, StepLoop } from './step-loop';

type T = tf.Tensor;

/** What the staged steps need of their session. */
export interface StagedHost {
  readonly loop: StepLoop;
  readonly models: GanModels;
  /** Draws the next step's batch and seed (the trainer's order) and counts the step. */
  begin(): { step: BegunStep; x: Float32Array };
}

interface Pending {
  step: BegunStep;
  x: Float32Array;
  /** D's update has run; G's is still to come. */
  dDone: boolean;
  /** Slow motion: the next stage to show (null when the step is not being walked). */
  walk: number | null;
}

/** Stages of one half of a step. */
const HALF = STAGES.length;

export class StagedSteps {
  private pending: Pending | null = null;

  constructor(private readonly host: StagedHost) {}

  /** Forgets the half of a step not yet run (a whole step, or new settings, come next). */
  drop(): void {
    this.pending = null;
  }

  /** Whether slow motion is part-way through a step. */
  get walking(): boolean {
    return this.pending?.walk !== null && this.pending?.walk !== undefined;
  }

  private start(walk: number | null): Pending {
    const { step, x } = this.host.begin();
    this.pending = { step, x, dDone: false, walk };
    return this.pending;
  }

  /**
   * One update alone, or both: 'D' begins a step and runs D's update (its G update stays available);
   * 'G' runs G's update of that step, or, with none waiting, begins a step and runs only G's; 'both'
   * runs a whole step, D's update then G's. Step D then Step G equals one step.
   */
  async phase(which: 'D' | 'G' | 'both'): Promise<void> {
    const { loop } = this.host;
    const waiting = this.pending && this.pending.dDone && this.pending.walk === null ? this.pending : null;
    this.pending = null;
    if (which === 'G' && waiting) {
      loop.updateG(waiting.step);
      return;
    }
    const p = this.start(null);
    if (which !== 'G') await loop.updateD(p.x, p.step);
    if (which === 'D') {
      p.dDone = true;
      return;
    }
    this.pending = null;
    loop.updateG(p.step);
  }

  /** Slow motion: shows the next stage of the step being walked (beginning one when none is). */
  async stage(): Promise<StageView> {
    const p = this.pending?.walk != null ? this.pending : this.start(0);
    const index = p.walk!;
    const total = p.step.generatorStep ? 2 * HALF : HALF;
    const phase = index < HALF ? 'D' : 'G';
    const stage = STAGES[index % HALF]!;
    const view = this.figures(p, phase, STAGES.indexOf(stage));
    if (stage === 'update') {
      if (phase === 'D') {
        await this.host.loop.updateD(p.x, p.step);
        p.dDone = true;
      } else this.host.loop.updateG(p.step);
    }
    p.walk = index + 1;
    const done = p.walk >= total;
    if (done) this.pending = null;
    return { ...view, phase, stage, index, total, step: this.host.loop.step, done };
  }

  /** What the stage shows: the batch, D's beliefs, the loss, the gradients (each from its stage on). */
  private figures(
    p: Pending,
    phase: 'D' | 'G',
    upTo: number,
  ): Omit<StageView, 'phase' | 'stage' | 'index' | 'total' | 'step' | 'done'> {
    const { loop, models } = this.host;
    const config = loop.config;
    const obj = objective(tf, config);
    const B = config.batchSize;
    const D = (x: T) => models.discriminator.apply(x, { training: true }) as T;
    const fakeT = tf.tidy(() => {
      const z = tf.randomNormal([B, config.latentDim], 0, 1, 'float32', p.step.seed);
      return loop.stepGenerator.apply(z, { training: true }) as T;
    });
    const realT = tf.tensor2d(p.x, [B, 2]);
    try {
      const fake = fakeT.dataSync() as Float32Array;
      const out: ReturnType<StagedSteps['figures']> = {
        real: phase === 'D' ? p.x.slice() : new Float32Array(0),
        fake,
      };
      if (upTo >= 1) {
        out.dFake = tf.tidy(() => obj.belief(D(fakeT))).dataSync() as Float32Array;
        if (phase === 'D') out.dReal = tf.tidy(() => obj.belief(D(realT))).dataSync() as Float32Array;
      }
      if (upTo >= 2) {
        out.loss = tf
          .tidy(() => (phase === 'D' ? obj.d(D(realT), D(fakeT)) : obj.g(D(fakeT))))
          .dataSync()[0]!;
      }
      if (upTo >= 3) {
        if (phase === 'D') out.gradNorm = this.dGradNorm(realT, fakeT);
        else out.gradients = pointGradients(models.discriminator, config, fake);
      }
      return out;
    } finally {
      tf.dispose([fakeT, realT]);
    }
  }

  /** ‖∂L_D/∂θ_D‖ over all of D's weights, for the batch (without WGAN-GP's penalty). */
  private dGradNorm(real: T, fake: T): number {
    const { loop, models } = this.host;
    const obj = objective(tf, loop.config);
    const vars = models.discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
    return tf.tidy(() => {
      const D = (x: T) => models.discriminator.apply(x, { training: true }) as T;
      const { grads } = tf.variableGrads(() => obj.d(D(real), D(fake)), vars);
      const sq = Object.values(grads).map((g) => tf.sum(tf.square(g)));
      return Math.sqrt(tf.addN(sq).dataSync()[0]!);
    });
  }
}
