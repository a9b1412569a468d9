/** Checks of sample() and interpolate() arguments, before anything is drawn, allocated or run. */
import { InvalidArgumentError } from './errors';
import { MAX_VALUES_PER_CALL } from './limits';
import type { GeneratorInfo, RunOptions } from './types';

export function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}' (a string)` : String(value);
}

/**
 * Throws unless `count` (named `name`: count, steps) is a positive integer of at most info.maxCount
 * samples; `instead` says what to do about too many.
 */
export function checkCount(count: unknown, info: GeneratorInfo, name: string, instead: string): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    const what = name === 'count' ? 'a positive integer (the number of samples)' : 'a positive integer';
    throw new InvalidArgumentError(`${name} must be ${what}, got ${show(count)}`);
  }
  if (count > info.maxCount) {
    throw new InvalidArgumentError(
      `${name} ${count} is too large for one call: at most ${info.maxCount} samples fit this model's limit of ${MAX_VALUES_PER_CALL} values per call; ${instead}`,
    );
  }
  return count;
}

/** The batch size a call runs in, and its signal, checked. */
export function checkRunOptions(opts: RunOptions): {
  batchSize: number | undefined;
  signal: AbortSignal | undefined;
} {
  const { batchSize, signal } = opts;
  if (
    batchSize !== undefined &&
    (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1)
  ) {
    throw new InvalidArgumentError(
      `batchSize must be a positive integer (samples per run), got ${show(batchSize)}`,
    );
  }
  if (
    signal !== undefined &&
    (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')
  ) {
    throw new InvalidArgumentError('signal must be an AbortSignal (e.g. new AbortController().signal)');
  }
  return { batchSize, signal };
}

/** Throws what an aborted signal carries (its reason: an AbortError DOMException by default). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The class list of a conditional generator, as error messages show it: " (0..2: cat, dog, bird)". */
function classList(info: GeneratorInfo): string {
  const { classes } = info;
  if (!classes) return '';
  return ` (0..${classes.count - 1}${classes.names ? `: ${classes.names.join(', ')}` : ''})`;
}

/** One class index per sample for a conditional generator, checked against info.classes. */
export function checkLabels(
  info: GeneratorInfo,
  labels: number[] | undefined,
  count: number,
): number[] | undefined {
  const { labelInputName, classes } = info;
  if (!labelInputName) {
    if (labels !== undefined)
      throw new InvalidArgumentError('labels given, but this generator has no label input');
    return undefined;
  }
  if (labels === undefined) {
    throw new InvalidArgumentError(
      `this generator is conditional (input '${labelInputName}'): pass labels, one class index per sample${classList(info)}`,
    );
  }
  if (!Array.isArray(labels) || labels.length !== count) {
    throw new InvalidArgumentError(`labels must be an array of count = ${count} class indices`);
  }
  for (const l of labels) {
    if (!Number.isInteger(l) || l < 0 || (classes && l >= classes.count)) {
      throw new InvalidArgumentError(`label ${l} is not a valid class index${classList(info)}`);
    }
  }
  return labels;
}

/** A label for every interpolation step, checked like sample()'s labels. */
export function checkLabel(info: GeneratorInfo, label: number | undefined): void {
  if (info.labelInputName && label === undefined) {
    throw new InvalidArgumentError(
      `this generator is conditional (input '${info.labelInputName}'): pass label, the class index for every step${classList(info)}`,
    );
  }
  if (label !== undefined) checkLabels(info, [label], 1);
}
