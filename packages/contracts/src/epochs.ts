/**
 * How far a run got, counted one way everywhere (the model card, the loss plot, the train command's
 * output): an epoch a time budget (or Ctrl-C) ended early is an epoch of the run, as its samples and its
 * metrics record are, and its steps are said with it: "2 epochs (the last 59/125 steps)".
 */

/** Epochs begun (whole ones and a part one), and the part one's steps if the last is a part epoch. */
export interface EpochCount {
  epochs: number;
  partialEpoch?: { steps: number; stepsPerEpoch: number };
}

/** The count after `steps` steps at `stepsPerEpoch` steps a whole epoch (steps count from the run's start). */
export function countEpochs(steps: number, stepsPerEpoch: number): EpochCount {
  if (!(stepsPerEpoch > 0)) return { epochs: 0 };
  const whole = Math.floor(steps / stepsPerEpoch);
  const rest = steps - whole * stepsPerEpoch;
  return rest > 0 ? { epochs: whole + 1, partialEpoch: { steps: rest, stepsPerEpoch } } : { epochs: whole };
}

/** "3 epochs", "2 epochs (the last 59/125 steps)", "1 epoch (37/64 steps)". */
export function describeEpochs(count: EpochCount): string {
  const n = `${count.epochs} epoch${count.epochs === 1 ? '' : 's'}`;
  const p = count.partialEpoch;
  if (!p) return n;
  const part = `${p.steps}/${p.stepsPerEpoch} steps`;
  return count.epochs === 1 ? `${n} (${part})` : `${n} (the last ${part})`;
}
