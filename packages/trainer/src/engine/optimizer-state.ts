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
  /**
   * Each variable's two slots (Adam m and v; RMSprop mean square and momentum), in the order of the
   * variables the optimizer updates — TF.js itself pairs slots with variables by position, not name.
   * Empty before the first update.
   */
  slots: [Float32Array, Float32Array][];
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
  const iterations = Number((await weights[0]!.tensor.data())[0] ?? 0);
  weights[0]!.tensor.dispose();
  const rest = weights.slice(1);
  const n = rest.length / 2;
  const slots: [Float32Array, Float32Array][] = [];
  for (let i = 0; i < n; i++) {
    slots.push([
      Float32Array.from(await rest[i]!.tensor.data()),
      Float32Array.from(await rest[n + i]!.tensor.data()),
    ]);
  }
  const a = adam(opt);
  const powers: [number, number] | undefined = a
    ? [(await a.accBeta1.data())[0]!, (await a.accBeta2.data())[0]!]
    : undefined;
  return { iterations, slots, ...(powers ? { powers } : {}) };
}

/** Replaces the optimizer's state; `variables` are the ones it updates, in order. */
export async function writeOptimizerState(
  tf: typeof tfTypes,
  opt: tfTypes.Optimizer,
  state: OptimizerState,
  variables: tfTypes.Variable[],
): Promise<void> {
  const [first, second] = slotSuffixes(opt);
  const slot = (k: 0 | 1, suffix: string) =>
    variables.map((v, i) => ({ name: v.name + suffix, tensor: tf.tensor(state.slots[i]![k], v.shape) }));
  const list = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...slot(0, first),
    ...slot(1, second),
  ];
  // setWeights makes new variables; the old ones would leak, and so would the iteration count
  // getWeights makes afresh on every call.
  const old = (await opt.getWeights()).map((w) => w.tensor);
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
