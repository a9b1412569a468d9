/**
 * How a chart writes numbers: tick labels with as many decimals as the tick spacing needs, counts as
 * whole numbers, values in legends to three significant digits, wall time in the unit that suits its span.
 */

/** Tick spacings of an integer axis (epochs, steps, counts): never a tick between two whole numbers. */
export const INTEGER_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500]
  .flatMap((v) => [1, 1e3, 1e6].map((k) => v * k))
  .sort((a, b) => a - b);

/** Decimals that tell ticks `incr` apart: 0.25 → 2, 0.1 → 1, 5 → 0. */
export function decimalsFor(incr: number): number {
  if (!(incr > 0) || !Number.isFinite(incr)) return 0;
  let d = 0;
  while (d < 8 && Math.abs(Math.round(incr * 10 ** d) - incr * 10 ** d) > 1e-9 * 10 ** d) d++;
  return d;
}

/** A whole number with thousands separators ("12,500"). */
export function formatCount(v: number): string {
  return Math.round(v).toLocaleString('en');
}

/** A tick label: whole numbers for integer axes, else the decimals the spacing needs. */
export function tickLabel(v: number, incr: number, integer = false): string {
  if (integer) return formatCount(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-4)) return v.toExponential(1);
  const d = decimalsFor(incr);
  const text = v.toFixed(Math.min(d, 6));
  return a >= 1000 ? Number(text).toLocaleString('en', { maximumFractionDigits: d }) : text;
}

/** A tick label on a log axis (values at powers of ten and their multiples). */
export function logTickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(2)));
}

/** A value in a legend or beside a point: whole for counts, else three significant digits. */
export function formatValue(v: number | null | undefined, integer = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  if (integer) return formatCount(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(1);
  if (a >= 0.01) return v.toPrecision(3);
  return v.toExponential(2);
}

export interface TimeUnit {
  /** Seconds per unit. */
  seconds: number;
  /** The axis label's unit. */
  name: string;
}

/** The unit that shows a wall-time span of `maxSeconds` with short ticks: s, min or h. */
export function timeUnit(maxSeconds: number): TimeUnit {
  if (maxSeconds < 180) return { seconds: 1, name: 's' };
  if (maxSeconds < 3 * 3600) return { seconds: 60, name: 'min' };
  return { seconds: 3600, name: 'h' };
}

/** An axis title with its unit: "loss", "wall time (min)". */
export function axisTitle(label: string, unit?: string): string {
  return unit ? `${label} (${unit})` : label;
}
