/**
 * Keras activation names -> ONNX subgraphs. Constants are scalar initializers. ('gelu_new' is left out:
 * TF.js saves it under a name its own loader rejects, so no model.json can carry it.)
 */
import { attr, type GraphBuilder } from '@ganforge/inference/onnx';
import type { Range } from './types';

type Emit = (g: GraphBuilder, x: string, base: string, channelAxis: number) => string;

interface ActivationDef {
  emit: Emit;
  range?: Range;
}

const scalar = (g: GraphBuilder, base: string, v: number) => g.float(`${base}/const`, [v], []);

const ACTIVATIONS: Record<string, ActivationDef> = {
  linear: { emit: (_g, x) => x },
  relu: { emit: (g, x, b) => g.op('Relu', [x], b) },
  relu6: { emit: (g, x, b) => g.op('Clip', [x, scalar(g, b, 0), scalar(g, b, 6)], b), range: [0, 6] },
  elu: { emit: (g, x, b) => g.op('Elu', [x], b, { alpha: attr.f(1) }) },
  // ONNX's default alpha/gamma are the SELU constants TF.js uses.
  selu: { emit: (g, x, b) => g.op('Selu', [x], b) },
  tanh: { emit: (g, x, b) => g.op('Tanh', [x], b), range: [-1, 1] },
  sigmoid: { emit: (g, x, b) => g.op('Sigmoid', [x], b), range: [0, 1] },
  // TF.js: clip(0.2 * x + 0.5, 0, 1).
  hardSigmoid: {
    emit: (g, x, b) => g.op('HardSigmoid', [x], b, { alpha: attr.f(0.2), beta: attr.f(0.5) }),
    range: [0, 1],
  },
  softplus: { emit: (g, x, b) => g.op('Softplus', [x], b) },
  softsign: { emit: (g, x, b) => g.op('Softsign', [x], b), range: [-1, 1] },
  swish: { emit: (g, x, b) => g.op('Mul', [x, g.op('Sigmoid', [x], `${b}/sigmoid`)], b) },
  mish: {
    emit: (g, x, b) =>
      g.op('Mul', [x, g.op('Tanh', [g.op('Softplus', [x], `${b}/softplus`)], `${b}/tanh`)], b),
  },
  softmax: { emit: (g, x, b, axis) => g.op('Softmax', [x], b, { axis: attr.i(axis) }), range: [0, 1] },
  logSoftmax: { emit: (g, x, b, axis) => g.op('LogSoftmax', [x], b, { axis: attr.i(axis) }) },
  // x * 0.5 * (1 + erf(x / sqrt(2))); ONNX's Gelu op needs opset 20.
  gelu: {
    emit: (g, x, b) => {
      const erf = g.op('Erf', [g.op('Mul', [x, scalar(g, b, Math.SQRT1_2)], `${b}/scaled`)], `${b}/erf`);
      const cdf = g.op(
        'Mul',
        [g.op('Add', [erf, scalar(g, b, 1)], `${b}/plus1`), scalar(g, b, 0.5)],
        `${b}/cdf`,
      );
      return g.op('Mul', [x, cdf], b);
    },
  },
};

/** Python Keras spellings found in converted model.json files. */
const ALIASES: Record<string, string> = { hard_sigmoid: 'hardSigmoid', log_softmax: 'logSoftmax' };

export const SUPPORTED_ACTIVATIONS = Object.keys(ACTIVATIONS);

export function findActivation(name: string): ActivationDef | undefined {
  return ACTIVATIONS[ALIASES[name] ?? name];
}
