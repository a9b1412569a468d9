/**
 * The running figures of an epoch as an engine keeps them: sums over the examples its steps have seen
 * since they were last set, and how many examples D's and G's updates saw. The loop divides them into
 * the means it shows and records; a checkpoint keeps them (as a list) so a resumed epoch's means come
 * out the same.
 */
export interface EpochSums {
  /** Σ D's loss × batch size, over D's updates. */
  lossD: number;
  /** Σ G's loss × batch size, over G's updates. */
  lossG: number;
  /** Real examples D judged real. */
  realJudgedReal: number;
  /** Generated examples D judged fake. */
  fakeJudgedFake: number;
  /** Σ D's belief on real examples (a probability for the cross-entropy losses, the raw output otherwise). */
  dReal: number;
  /** Σ D's belief on generated examples. */
  dFake: number;
  /** Examples D's updates saw (each update sees a real and a generated batch of this many). */
  seenD: number;
  /** Examples G's updates saw. */
  seenG: number;
}

/** The order a checkpoint's `sums` list holds the figures in. */
const CHECKPOINT_ORDER = [
  'lossD',
  'lossG',
  'realJudgedReal',
  'fakeJudgedFake',
  'dReal',
  'dFake',
  'seenD',
  'seenG',
] as const satisfies readonly (keyof EpochSums)[];

export const zeroSums = (): EpochSums => sumsFromList([]);

/** The sums as a checkpoint's `sums` list. */
export const sumsToList = (s: EpochSums): number[] => CHECKPOINT_ORDER.map((k) => s[k]);

/** A checkpoint's `sums` list as sums (figures it lacks are 0). */
export function sumsFromList(list: readonly number[]): EpochSums {
  const s = {} as EpochSums;
  CHECKPOINT_ORDER.forEach((k, i) => (s[k] = list[i] ?? 0));
  return s;
}
