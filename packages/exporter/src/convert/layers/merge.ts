/** Merge layers. Inputs are brought to one layout first: NCHW if any of them already is. */
import { attr } from '@ganforge/inference/onnx';
import { onnxAxis } from '../layout';
import { cfgNumber, type LayerContext, type LayerConverter, type Range, type Value } from '../types';

function unify(ctx: LayerContext, inputs: Value[]): Value[] {
  const nchw = inputs.some((v) => v.nchw);
  return inputs.map((v) => (nchw ? ctx.toNchw(v) : ctx.toTf(v)));
}

function unionRange(inputs: Value[]): Range | undefined {
  if (!inputs.every((v) => v.range)) return undefined;
  return [
    Math.min(...inputs.map((v) => (v.range as Range)[0])),
    Math.max(...inputs.map((v) => (v.range as Range)[1])),
  ];
}

export const Concatenate: LayerConverter = {
  className: 'Concatenate',
  convert(ctx, inputs) {
    const xs = unify(ctx, inputs);
    const first = xs[0] as Value;
    const axis = onnxAxis(first, cfgNumber(ctx.config, 'axis', -1));
    const y = ctx.g.op(
      'Concat',
      xs.map((v) => v.name),
      ctx.base,
      { axis: attr.i(axis) },
    );
    return { name: y, nchw: first.nchw, range: unionRange(xs) };
  },
};

function elementwise(className: string, opType: string): LayerConverter {
  return {
    className,
    convert(ctx, inputs) {
      const xs = unify(ctx, inputs);
      let y = (xs[0] as Value).name;
      xs.slice(1).forEach((v, i) => {
        y = ctx.g.op(opType, [y, v.name], i === xs.length - 2 ? ctx.base : `${ctx.base}/${i}`);
      });
      return { name: y, nchw: (xs[0] as Value).nchw };
    },
  };
}

export const Add = elementwise('Add', 'Add');
export const Multiply = elementwise('Multiply', 'Mul');
export const Maximum = elementwise('Maximum', 'Max');
export const Minimum = elementwise('Minimum', 'Min');

export const Average: LayerConverter = {
  className: 'Average',
  convert(ctx, inputs) {
    const xs = unify(ctx, inputs);
    const y = ctx.g.op(
      'Mean',
      xs.map((v) => v.name),
      ctx.base,
    );
    return { name: y, nchw: (xs[0] as Value).nchw, range: unionRange(xs) };
  },
};
