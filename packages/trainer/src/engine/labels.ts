/** The class labels a step generates for, the same on every engine. */
import seedrandom from 'seedrandom';

/**
 * B labels drawn uniformly from `classes` by this step's seed. With mode seeking the second half
 * repeats the first, so the term compares two images of the same class from different z.
 */
export function fakeLabels(seed: number, batch: number, classes: number, modeSeeking: boolean): Int32Array {
  const r = seedrandom.alea(`labels:${seed}`);
  const labels = Int32Array.from({ length: batch }, () => Math.floor(r() * classes));
  if (modeSeeking) labels.copyWithin(batch / 2, 0, batch / 2);
  return labels;
}
