/**
 * What one grid of samples is, from the URL's options and what the generator is: how many, which
 * classes, in which rows. Drawing the same plan again gives the same pixels.
 */
import type { ViewOptions } from '../../links';
import type { ManifestRun } from '../../manifest';
import type { GeneratorInfo } from '../../protocol';
import type { SampleRow } from '../../views/samples';

const IMAGE_COUNT = 64;
const PER_CLASS = 8;
const POINT_COUNT = 1000;
/** Used when a conditional model does not name its classes. */
const UNNAMED_CLASSES = 10;

export interface Plan {
  seed: number;
  truncation: number | null;
  count: number;
  labels: number[] | undefined;
  rows: SampleRow[];
  /** Above the grid: the one class picked (rows of classes carry their names instead). */
  heading?: string | null;
}

/** A conditional model's class names (the model's own, else the run's, else numbered); null: not one. */
export function classNames(info: GeneratorInfo, run: ManifestRun | undefined): string[] | null {
  if (!info.labelInputName) return null;
  const names = info.classNames ?? run?.card.classNames ?? [];
  return names.length > 0 ? names : Array.from({ length: UNNAMED_CLASSES }, (_, i) => `class ${i}`);
}

/** `wanted` samples, at most the SDK's maxCount for one call (a problem says when it cut them). */
function capped(wanted: number, info: GeneratorInfo, groups: number, problems: string[]): number {
  const max = info.maxCount > 0 ? Math.max(1, Math.floor(info.maxCount / groups)) : Infinity;
  if (wanted <= max) return wanted;
  problems.push(`${wanted * groups} samples do not fit this model in one call: showing ${max * groups}`);
  return max;
}

/** The plan for `o`, and what in it could not be followed (a class that does not exist, too many). */
export function planSamples(
  o: ViewOptions,
  info: GeneratorInfo,
  classes: string[] | null,
): { plan: Plan; problems: string[] } {
  const problems: string[] = [];
  const base = { seed: o.seed, truncation: o.truncation };
  if (info.kind !== 'image') {
    const count = capped(o.count ?? POINT_COUNT, info, 1, problems);
    return { plan: { ...base, count, labels: undefined, rows: [] }, problems };
  }
  let cls = o.cls;
  if (classes && cls !== null && cls >= classes.length) {
    problems.push(`class ${cls} does not exist (0 to ${classes.length - 1}); showing one row per class`);
    cls = null;
  }
  if (classes && cls === null) {
    // One row per class, `n` samples each.
    const per = capped(o.count ?? PER_CLASS, info, classes.length, problems);
    const rows = classes.map((label, k) => ({ label, start: k * per, count: per }));
    const labels = classes.flatMap((_, k) => new Array<number>(per).fill(k));
    return { plan: { ...base, count: per * classes.length, labels, rows }, problems };
  }
  const count = capped(o.count ?? IMAGE_COUNT, info, 1, problems);
  const cols = Math.ceil(Math.sqrt(count));
  const rows: SampleRow[] = Array.from({ length: Math.ceil(count / cols) }, (_, r) => ({
    label: null,
    start: r * cols,
    count: Math.min(cols, count - r * cols),
  }));
  const labels = classes && cls !== null ? new Array<number>(count).fill(cls) : undefined;
  const heading = classes && cls !== null ? `${classes[cls] ?? `class ${cls}`}: ${count} samples` : null;
  return { plan: { ...base, count, labels, rows, heading }, problems };
}

/** A sample's name on screen: its number, and its class for a conditional model. */
export function describe(index: number, plan: Plan, classes: string[] | null | undefined): string {
  const label = plan.labels?.[index];
  const cls = label !== undefined && classes ? ` (${classes[label] ?? `class ${label}`})` : '';
  return `sample ${index + 1}${cls}`;
}
