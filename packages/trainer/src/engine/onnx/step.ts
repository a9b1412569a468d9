/**
 * One whole training step as one ONNX graph: G's forward pass, D's update on the real and the
 * generated batch (forward, loss, backward, optimizer, clipping), then — on generator steps — G's
 * loss through the updated D, the backward pass through D and G, G's optimizer and the EMA of G.
 * Every weight and optimizer slot goes in as an input and comes out updated, so the trainer keeps
 * the state in buffers between steps and one native call does the step.
 *
 * The order and arithmetic are the TF.js step's (engine/tfjs-step.ts): D sees the real and the fake
 * batch in two passes (each with its own batch statistics), G's loss sees the D after its update. With
 * DiffAugment every batch D sees goes through the augmentation (augment.ts) with its own parameters,
 * and G's gradient comes back through its transpose.
 */
import type { TrainConfig } from '../../config';
import { AUGMENT_PASSES, type AugmentPass } from '../../gan/augment';
import { discriminatorLoss, generatorLoss } from '../../gan/losses';
import { augmentInputs, graphAugment, type GraphAugment } from './augment';
import { Graph } from './graph';
import { UncompilableError, type Net } from './net';
import { backward, forward, type Forward } from './passes';
import { gradientPenaltyGrads, r1Grads } from './penalty';

/** One tensor of the state: an input `name`, and (when the graph updates it) an output `name:next`. */
export interface StateTensor {
  name: string;
  shape: number[];
}

export interface StepGraphSpec {
  bytes: Uint8Array;
  /** State the graph reads; those in `updates` it also writes, as `<name>:next`. */
  updates: string[];
}

/** The per-step figures every step graph outputs. */
export const FIGURES = { lossD: 'loss_d', lossG: 'loss_g', real: 'd_real', fake: 'd_fake' } as const;

export type StepConfig = Pick<
  TrainConfig,
  | 'loss'
  | 'lossReduction'
  | 'labelSmoothing'
  | 'optimizer'
  | 'lrD'
  | 'lrG'
  | 'beta1'
  | 'beta2'
  | 'clipValue'
  | 'emaDecay'
  | 'instanceNoise'
  | 'latentDim'
  | 'gradientPenalty'
  | 'modeSeeking'
  | 'conditional'
  | 'discriminatorHead'
  | 'augment'
  | 'r1'
  | 'r1Every'
>;

export const next = (name: string) => `${name}:next`;

/**
 * Shape of D's per-example figure: its logit — for the two-class softmax head the margin
 * l_real − l_fake, whose sigmoid is the softmax's "real" probability (and whose sigmoid
 * cross-entropy is the softmax cross-entropy).
 */
export const figureShape = (D: Net, config: Pick<StepConfig, 'discriminatorHead'>) =>
  config.discriminatorHead === 'softmax2' ? [1] : D.output;

/** Names of the state tensors of one network: weights, then optimizer slots of the trainable ones. */
export function netState(prefix: 'g' | 'd', net: Net, ema: boolean): StateTensor[] {
  const out: StateTensor[] = [];
  net.weights.forEach((wt, i) => out.push({ name: `${prefix}.w${i}`, shape: wt.shape }));
  net.weights.forEach((wt, i) => {
    if (!wt.trainable) return;
    out.push({ name: `${prefix}.m${i}`, shape: wt.shape }, { name: `${prefix}.v${i}`, shape: wt.shape });
    if (ema) out.push({ name: `${prefix}.e${i}`, shape: wt.shape });
  });
  return out;
}

/** The graphs' non-state inputs; `classes` for conditional networks. */
export function stepInputs(config: StepConfig, batch: number, dataShape: number[], classes?: number) {
  const data = [batch, ...dataShape];
  return {
    x: { name: 'x', shape: data },
    z: { name: 'z', shape: [batch, config.latentDim] },
    /** One-hot class labels of the real batch and of the generated one. */
    labels:
      classes !== undefined
        ? ['onehot_real', 'onehot_fake'].map((name) => ({ name, shape: [batch, classes] }))
        : [],
    /** Instance noise for D's inputs: real, fake in D's update, fake in G's update. */
    noise:
      config.instanceNoise > 0
        ? ['noise_real', 'noise_fake', 'noise_fake_g'].map((name) => ({ name, shape: data }))
        : [],
    /** The gradient penalty's interpolation weight per example (TF.js's [B, 1, 1, 1]). */
    penalty:
      config.gradientPenalty > 0 ? [{ name: 'gp_alpha', shape: [batch, ...dataShape.map(() => 1)] }] : [],
    /** DiffAugment's parameters of the three augmented batches (engine/onnx/augment.ts). */
    augment: augmentInputs(config.augment, batch, dataShape),
    /** Adam's running β powers (β1^t, β2^t) of each optimizer, as float32 scalars. */
    powers: config.optimizer === 'adam' ? ['g.b1t', 'g.b2t', 'd.b1t', 'd.b2t'] : [],
    /**
     * The EMA's decay at this step (it warms up: regularisers.emaDecayAt) and 1 − decay, as float32
     * scalars rounded from the same float64 values TF.js rounds.
     */
    emaDecay: config.emaDecay > 0 ? ['g.ema_decay', 'g.ema_rest'] : [],
  };
}

/**
 * Builds the step graph; `generatorStep: false` is a critic-only step (G's forward, D's update), `r1`
 * adds R1 to D's update (lazy R1 compiles a graph with it and one without).
 */
export function buildStepGraph(
  G: Net,
  D: Net,
  config: StepConfig,
  batch: number,
  dataShape: number[],
  generatorStep: boolean,
  r1 = false,
): StepGraphSpec {
  const step = declareStep(G, D, config, batch, dataShape, generatorStep);
  const { graph } = step;
  // G's forward pass (training mode: batch statistics, moving averages updated).
  const gf = forward(graph, G, step.gw, step.z, batch, 1, labelsOf(G, step.labelsFake));
  for (const [i, value] of gf.stats) step.setNext(`g.w${i}`, value, G.weights[i]!.shape);
  const dNew = discriminatorUpdate(step, gf.y, r1);
  if (generatorStep) {
    generatorUpdate(step, gf, dNew);
  } else {
    for (const [i, value] of dNew) step.setNext(`d.w${i}`, value, D.weights[i]!.shape);
    graph.output(graph.scalar(0), FIGURES.lossG, []);
  }
  return { bytes: graph.encode(), updates: step.updates };
}

/** A new step graph with its inputs: the state of both networks, then the batch and the step's figures. */
function declareStep(
  G: Net,
  D: Net,
  config: StepConfig,
  batch: number,
  dataShape: number[],
  generatorStep: boolean,
) {
  const graph = new Graph(generatorStep ? 'ganforge_step' : 'ganforge_critic_step');
  const ema = config.emaDecay > 0;
  const io = stepInputs(config, batch, dataShape, labelClasses(G, D, config));
  const updates: string[] = [];
  const declare = (prefix: 'g' | 'd', net: Net) => {
    for (const t of netState(prefix, net, ema && prefix === 'g')) graph.input(t.name, t.shape);
    return (i: number) => `${prefix}.w${i}`;
  };
  const gw = declare('g', G);
  const dw = declare('d', D);
  const x = graph.input(io.x.name, io.x.shape);
  const z = graph.input(io.z.name, io.z.shape);
  const [labelsReal, labelsFake] = io.labels.map((t) => graph.input(t.name, t.shape));
  const noise = io.noise.map((n) => graph.input(n.name, n.shape));
  const powers = io.powers.map((p) => graph.input(p, []));
  const [emaDecay, emaRest] = io.emaDecay.map((p) => graph.input(p, []));
  for (const t of io.augment) graph.input(t.name, t.shape);
  const declared = new Set(io.augment.map((t) => t.name));
  const aug = io.augment.length
    ? Object.fromEntries(AUGMENT_PASSES.map((p) => [p, graphAugment(graph, p, (n) => declared.has(n))]))
    : undefined;
  // Data arrive in TF.js's layout; images become NCHW once, here.
  const image = dataShape.length === 3;
  const toNet = (v: string) =>
    !image
      ? v
      : dataShape[2] === 1
        ? graph.reshape(v, [batch, 1, dataShape[0]!, dataShape[1]!])
        : graph.transpose(v, [0, 3, 1, 2]);
  // The two-class head's logits [l_fake, l_real] read as one logit l_real − l_fake (figureShape).
  const twoClass = config.discriminatorHead === 'softmax2';
  const column = (v: string, k: number) =>
    graph.op('Slice', [v, graph.ints([k]), graph.ints([k + 1]), graph.ints([1])]);
  return {
    graph,
    G,
    D,
    config,
    batch,
    io,
    /** The state's weights, `g.w<i>` and `d.w<i>`. */
    gw,
    dw,
    x,
    z,
    labelsReal,
    labelsFake,
    /** Adam's β powers: G's two, then D's two. */
    powers,
    emaDecay,
    emaRest,
    /** The state the graph writes (StepGraphSpec's). */
    updates,
    /** Writes `value` as the new value of the state tensor `name`. */
    setNext: (name: string, value: string, shape: number[]) => {
      graph.output(value, next(name), shape);
      updates.push(name);
    },
    /** A batch in TF.js's layout as the networks take it. */
    toNet,
    /** The augmentation of each augmented batch, where the step has one. */
    aug: aug as Record<AugmentPass, GraphAugment> | undefined,
    /** `v` augmented as `pass` (unchanged without augmentation). */
    augment: (v: string, pass: AugmentPass) => (aug ? aug[pass]!.forward(v) : v),
    /** `v` plus the k-th instance noise input, where the step has instance noise. */
    noisy: (v: string, k: number) => (noise[k] ? graph.add(v, toNet(noise[k]!)) : v),
    twoClass,
    /** D's output as its logit (figureShape), and the output's gradient given the logit's. */
    logit: (y: string) => (twoClass ? graph.sub(column(y, 1), column(y, 0)) : y),
    logitGrad: (d: string) =>
      twoClass ? graph.op('Concat', [graph.op('Neg', [d]), d], { axis: { i: 1 } }) : d,
  };
}

/** What the parts of one step graph share: the graph, its inputs, and the step's settings. */
type Step = ReturnType<typeof declareStep>;

const labelsOf = (net: Net, v: string | undefined) => (net.classes !== undefined ? v : undefined);

/**
 * D's update: the real and the fake batch in one pass of 2B examples, each with its own batch
 * statistics (as two passes would have them), real first, each through its augmentation where the
 * step has one; then the loss, the backward pass, the gradient penalty and R1, the optimizer and
 * clipping. Outputs D's figures; returns D's new weights and moving statistics by weight index.
 */
function discriminatorUpdate(step: Step, fake: string, r1: boolean): Map<number, string> {
  const { graph, D, config, batch, labelsReal, labelsFake } = step;
  const real = step.augment(step.toNet(step.x), 'real');
  const fakeSeen = step.augment(fake, 'fake');
  const both = graph.op('Concat', [step.noisy(real, 0), step.noisy(fakeSeen, 1)], {
    axis: { i: 0 },
  });
  const bothLabels =
    D.classes !== undefined ? graph.op('Concat', [labelsReal!, labelsFake!], { axis: { i: 0 } }) : undefined;
  const dPass = forward(graph, D, step.dw, both, 2 * batch, 2, bothLabels);
  const half = (v: string, k: number) =>
    graph.op('Slice', [v, graph.ints([k * batch]), graph.ints([(k + 1) * batch]), graph.ints([0])]);
  const [realOut, fakeOut] = [step.logit(half(dPass.y, 0)), step.logit(half(dPass.y, 1))];
  const dLoss = discriminatorLoss(graph, config, realOut, fakeOut, batch);
  const dOut = step.logitGrad(graph.op('Concat', [dLoss.dReal, dLoss.dFake], { axis: { i: 0 } }));
  const dGrads = backward(step.dw, dPass, dOut, 2 * batch, {
    inputGrad: false,
    weights: true,
    groups: 2,
  });
  let lossD =
    config.gradientPenalty > 0
      ? addGradientPenalty(step, real, fakeSeen, dGrads.grads, dLoss.loss)
      : dLoss.loss;
  if (r1) lossD = addR1(step, real, dGrads.grads, lossD);
  const dNew = new Map<number, string>(dPass.stats);
  D.weights.forEach((wt, i) => {
    if (!wt.trainable) return;
    const grad = dGrads.grads.get(i);
    if (!grad) throw new UncompilableError(`no gradient reaches D's weight ${i}`);
    let w = optimizerStep(graph, config, 'd', i, grad, wt.shape, step.setNext, step.powers.slice(2));
    if (config.clipValue > 0) {
      w = graph.op('Clip', [w, graph.scalar(-config.clipValue), graph.scalar(config.clipValue)]);
    }
    dNew.set(i, w);
  });
  graph.output(lossD, FIGURES.lossD, []);
  graph.output(realOut, FIGURES.real, [batch, ...figureShape(D, config)]);
  graph.output(fakeOut, FIGURES.fake, [batch, ...figureShape(D, config)]);
  return dNew;
}

/**
 * The gradient penalty at x̂ = αx + (1 − α)G(z), the batches as D sees them (augmented) without
 * instance noise, as TF.js takes them, in a pass of its own: adds its gradients to `grads` and returns
 * D's loss with it.
 */
function addGradientPenalty(
  step: Step,
  real: string,
  fake: string,
  grads: Map<number, string>,
  lossD: string,
): string {
  const { graph, D, batch, io } = step;
  if (D.classes !== undefined || step.twoClass) {
    throw new UncompilableError('the gradient penalty of a conditional or two-class critic trains on TF.js');
  }
  const alpha = graph.input(io.penalty[0]!.name, io.penalty[0]!.shape);
  const mix = graph.add(graph.mul(alpha, real), graph.mul(graph.sub(graph.scalar(1), alpha), fake));
  const gp = gradientPenaltyGrads(
    graph,
    D,
    step.dw,
    forward(graph, D, step.dw, mix, batch),
    batch,
    step.config.gradientPenalty,
  );
  for (const [i, grad] of gp.grads) grads.set(i, graph.add(grads.get(i)!, grad));
  return graph.add(lossD, gp.penalty);
}

/**
 * R1 at the real batch `real` (augmented, without instance noise), γ·k on a lazy step, in a pass of
 * its own: the gradient is the clean image's, through the augmentation. Adds its gradients to `grads`
 * and returns D's loss with it.
 */
function addR1(step: Step, real: string, grads: Map<number, string>, lossD: string): string {
  const { graph, D, batch, config } = step;
  if (D.classes !== undefined || step.twoClass) {
    throw new UncompilableError('R1 on a conditional or two-class critic trains on TF.js');
  }
  const pass = forward(graph, D, step.dw, real, batch);
  const r1 = r1Grads(graph, D, step.dw, pass, batch, config.r1 * config.r1Every, step.aug?.real);
  for (const [i, grad] of r1.grads) grads.set(i, graph.add(grads.get(i)!, grad));
  return graph.add(lossD, r1.penalty);
}

/**
 * G's update: its loss through the updated D (training mode again: D's statistics move a third
 * time), the backward pass through D and G, the mode-seeking term, G's optimizer and the EMA of G.
 * Writes D's new state (`dNew`, with those statistics) and G's.
 */
function generatorUpdate(step: Step, gf: Forward, dNew: Map<number, string>): void {
  const { graph, G, D, config, batch, setNext } = step;
  const fake = gf.y;
  const dAfter = (i: number) => dNew.get(i) ?? step.dw(i);
  const seen = step.augment(fake, 'fakeG');
  const gPass = forward(graph, D, dAfter, step.noisy(seen, 2), batch, 1, labelsOf(D, step.labelsFake));
  for (const [i, value] of gPass.stats) dNew.set(i, value);
  for (const [i, value] of dNew) setNext(`d.w${i}`, value, D.weights[i]!.shape);
  const gLoss = generatorLoss(graph, config, step.logit(gPass.y), batch);
  const throughD = backward(dAfter, gPass, step.logitGrad(gLoss.dFake), batch, {
    inputGrad: true,
    weights: false,
  });
  let lossG = gLoss.loss;
  // Back through the augmentation to G's output.
  let dFake = step.aug ? step.aug.fakeG.adjoint(throughD.dx!) : throughD.dx!;
  if (config.modeSeeking > 0) {
    const ms = modeSeeking(graph, config.modeSeeking, fake, step.z, batch, G.output);
    lossG = graph.add(lossG, ms.loss);
    dFake = graph.add(dFake, ms.dFake);
  }
  const gGrads = backward(step.gw, gf, dFake, batch, { inputGrad: false, weights: true });
  const { emaDecay, emaRest } = step;
  G.weights.forEach((wt, i) => {
    if (!wt.trainable) return;
    const grad = gGrads.grads.get(i);
    if (!grad) throw new UncompilableError(`no gradient reaches G's weight ${i}`);
    const w = optimizerStep(graph, config, 'g', i, grad, wt.shape, setNext, step.powers.slice(0, 2));
    setNext(`g.w${i}`, w, wt.shape);
    if (emaDecay && emaRest) {
      const e = `g.e${i}`;
      setNext(e, graph.add(graph.mul(e, emaDecay), graph.mul(w, emaRest)), wt.shape);
    }
  });
  graph.output(lossG, FIGURES.lossG, []);
}

/** The classes of the label input both networks of a conditional model take. */
function labelClasses(G: Net, D: Net, config: StepConfig): number | undefined {
  const classes = G.classes ?? D.classes;
  if (Boolean(config.conditional) !== (classes !== undefined)) {
    throw new UncompilableError(
      config.conditional
        ? 'this conditional model has no compiled label input'
        : 'a label input without --conditional',
    );
  }
  if (G.classes !== undefined && D.classes !== undefined && G.classes !== D.classes) {
    throw new UncompilableError(`G takes ${G.classes} classes and D ${D.classes}`);
  }
  return classes;
}

/**
 * MSGAN's mode-seeking term λ / (r + 1e-5), r = mean|f1 − f2| / mean|z1 − z2| over the two halves
 * of the batch (losses.modeSeekingTerm), and its gradient with respect to the generated batch:
 * ± s · (−λ / ((r + 1e-5)² · mean|z1 − z2| · count)) on the two halves, s the sign of f1 − f2 as
 * TF.js differentiates |·| (−1 at 0).
 */
function modeSeeking(g: Graph, lambda: number, fake: string, z: string, batch: number, shape: number[]) {
  const half = batch / 2;
  const halves = (t: string) =>
    [0, 1].map((k) => g.op('Slice', [t, g.ints([k * half]), g.ints([(k + 1) * half]), g.ints([0])]));
  const meanAbs = (t: string, rank: number) => g.mean(g.op('Abs', [t]), [...Array(rank).keys()]);
  const [f1, f2] = halves(fake);
  const diff = g.sub(f1!, f2!);
  const [z1, z2] = halves(z);
  const zm = meanAbs(g.sub(z1!, z2!), 2);
  const u = g.add(g.div(meanAbs(diff, 1 + shape.length), zm), g.scalar(1e-5));
  const count = half * shape.reduce((a, b) => a * b, 1);
  const k = g.op('Neg', [
    g.div(g.div(g.scale(g.op('Reciprocal', [g.mul(u, u)]), lambda), zm), g.scalar(count)),
  ]);
  const sign = g.op('Where', [g.op('Greater', [diff, g.scalar(0)]), g.scalar(1), g.scalar(-1)]);
  const top = g.mul(sign, k);
  return {
    loss: g.scale(g.op('Reciprocal', [u]), lambda),
    dFake: g.op('Concat', [top, g.op('Neg', [top])], { axis: { i: 0 } }),
  };
}

/** Adam or RMSprop on one weight, as TF.js computes them; returns the new weight's value. */
function optimizerStep(
  g: Graph,
  config: StepConfig,
  prefix: 'g' | 'd',
  i: number,
  grad: string,
  shape: number[],
  setNext: (name: string, value: string, shape: number[]) => void,
  powers: string[],
): string {
  const w = `${prefix}.w${i}`;
  const m = `${prefix}.m${i}`;
  const v = `${prefix}.v${i}`;
  const lr = prefix === 'g' ? config.lrG : config.lrD;
  if (config.optimizer === 'rmsprop') {
    // TF.js rmsprop(lr, decay 0.99, momentum 0, eps 1e-8): m holds the mean square, v the momentum.
    const ms = g.add(g.scale(m, 0.99), g.scale(g.mul(grad, grad), 1 - 0.99));
    const mom = g.add(g.scale(v, 0), g.div(g.scale(grad, lr), g.op('Sqrt', [g.add(ms, g.scalar(1e-8))])));
    setNext(m, ms, shape);
    setNext(v, mom, shape);
    return g.sub(w, mom);
  }
  const { beta1, beta2 } = config;
  // With β1 = ½ (every GAN preset's), β1·m + (1 − β1)·g is (m + g)·½: one pass over the weight
  // fewer, and the same floats (halving is exact).
  const m1 =
    beta1 === 0.5 ? g.scale(g.add(m, grad), 0.5) : g.add(g.scale(m, beta1), g.scale(grad, 1 - beta1));
  const v1 = g.add(g.scale(v, beta2), g.scale(g.mul(grad, grad), 1 - beta2));
  setNext(m, m1, shape);
  setNext(v, v1, shape);
  // TF.js's m̂ / (√v̂ + ε) with the bias corrections folded into two scalars (the same value, two
  // fewer passes over every weight): lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε·√(1−β2ᵗ)), made once per
  // network (each node costs onnxruntime a dispatch, scalar or not).
  const one = g.scalar(1);
  const root2 = g.memo(`adam/root2/${powers[1]}`, () => g.op('Sqrt', [g.sub(one, powers[1]!)]));
  const lrT = g.memo(`adam/lr/${powers[0]}/${lr}`, () => g.div(g.scale(root2, lr), g.sub(one, powers[0]!)));
  const epsT = g.memo(`adam/eps/${powers[1]}`, () => g.scale(root2, 1e-8));
  const stepDir = g.div(m1, g.add(g.op('Sqrt', [v1]), epsT));
  return g.sub(w, g.mul(stepDir, lrT));
}
