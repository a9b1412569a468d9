/**
 * Reads and writes the state of TF.js's Adam and RMSprop optimizers as plain arrays, so an engine
 * that keeps the state itself can start from a restored optimizer and hand its state back for a
 * checkpoint. Slot names follow TF.js (`<variable>/m`, `/v` for Adam; `/rms`, `/momentum` for RMSprop).
 */
import type * as tfTypes from '@tensorflow/tfjs';

/** The fields of TF.js's optimizers this module reads (not part of their typed surface). */
interface AdamFields {
  accBeta1: tfTypes.Variable;
  accBeta2: tfTypes.Variable;
  beta1: number;
  beta2: number;
}

export interface OptimizerState {
  iterations: number;
  /** Per variable name: its two slots (Adam m and v; RMSprop mean square and momentum). */
  slots: Map<string, [Float32Array, Float32Array]>;
  /** Adam's running β powers, float32 values. */
  powers?: [number, number];
}

export const slotSuffixes = (opt: tfTypes.Optimizer): [string, string] =>
  opt.getClassName() === 'Adam' ? ['/m', '/v'] : ['/rms', '/momentum'];

function adam(opt: tfTypes.Optimizer): AdamFields | undefined {
  return opt.getClassName() === 'Adam' ? (opt as unknown as AdamFields) : undefined;
}

export async function readOptimizerState(opt: tfTypes.Optimizer): Promise<OptimizerState> {
  const weights = await opt.getWeights();
  const [first, second] = slotSuffixes(opt);
  const iterations = Number((await weights[0]!.tensor.data())[0] ?? 0);
  weights[0]!.tensor.dispose();
  const byName = new Map<string, Float32Array>();
  for (const w of weights.slice(1)) byName.set(w.name, Float32Array.from(await w.tensor.data()));
  const slots = new Map<string, [Float32Array, Float32Array]>();
  for (const [name, values] of byName) {
    if (!name.endsWith(first)) continue;
    const variable = name.slice(0, -first.length);
    const other = byName.get(variable + second);
    if (other) slots.set(variable, [values, other]);
  }
  const a = adam(opt);
  const powers: [number, number] | undefined = a
    ? [(await a.accBeta1.data())[0]!, (await a.accBeta2.data())[0]!]
    : undefined;
  return { iterations, slots, ...(powers ? { powers } : {}) };
}

/** Replaces the optimizer's state; `shapes` gives each variable's TF.js shape. */
export async function writeOptimizerState(
  tf: typeof tfTypes,
  opt: tfTypes.Optimizer,
  state: OptimizerState,
  shapes: Map<string, number[]>,
): Promise<void> {
  const [first, second] = slotSuffixes(opt);
  const names = [...state.slots.keys()];
  const tensor = (values: Float32Array, name: string) => tf.tensor(values, shapes.get(name));
  const list = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...names.map((n) => ({ name: n + first, tensor: tensor(state.slots.get(n)![0], n) })),
    ...names.map((n) => ({ name: n + second, tensor: tensor(state.slots.get(n)![1], n) })),
  ];
  // setWeights makes new variables; the old ones would leak.
  const old = (await opt.getWeights()).slice(1).map((w) => w.tensor);
  await opt.setWeights(list);
  tf.dispose([...old, ...list.map((l) => l.tensor)]);
  const a = adam(opt);
  if (a && state.powers) {
    tf.tidy(() => {
      a.accBeta1.assign(tf.scalar(state.powers![0]));
      a.accBeta2.assign(tf.scalar(state.powers![1]));
    });
  }
}

/** β as the float32 value TF.js multiplies by. */
export function adamBetas(opt: tfTypes.Optimizer): [number, number] | undefined {
  const a = adam(opt);
  return a ? [Math.fround(a.beta1), Math.fround(a.beta2)] : undefined;
}
