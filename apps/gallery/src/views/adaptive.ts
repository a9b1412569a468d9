/**
 * Adaptive augmentation's figures, when a run's metrics.jsonl has them: `augmentP`, the probability each
 * augmentation is applied, and `overfitSignal`, r_t = E[sign(D(real))], the sign of D's output on real
 * training images that the schedule steers towards its target. The target comes from the record
 * (`overfitTarget`) or the run's config (`adaTarget`, `augmentTarget`, `overfitTarget`).
 */
import type { MetricsRecord } from '../manifest';
import type { ChartSeries } from './chart/data';
import { stepChart, wallOf, type StepChart } from './charts';

export const ADAPTIVE = [
  { key: 'augmentP', label: 'augmentation p' },
  { key: 'overfitSignal', label: 'D’s real-sign signal r_t' },
] as const;

export type AdaptiveKey = (typeof ADAPTIVE)[number]['key'];

const TARGET_KEYS = ['overfitTarget', 'adaTarget', 'augmentTarget'] as const;

/** A record's adaptive figure, or null when it has none. */
export function adaptiveValue(r: MetricsRecord, key: AdaptiveKey): number | null {
  const v = (r as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Whether any record has any adaptive figure. */
export function hasAdaptive(records: MetricsRecord[]): boolean {
  return records.some((r) => ADAPTIVE.some((a) => adaptiveValue(r, a.key) !== null));
}

/** The r_t target, from the last record that names one or else the run's config; null when neither does. */
export function adaptiveTarget(
  records: MetricsRecord[],
  config: Record<string, unknown> | null,
): number | null {
  const pick = (o: Record<string, unknown> | null | undefined) => {
    for (const k of TARGET_KEYS) {
      const v = o?.[k];
      if (typeof v === 'number' && Number.isFinite(v)) return v;
    }
    return null;
  };
  for (let i = records.length - 1; i >= 0; i--) {
    const t = pick(records[i] as unknown as Record<string, unknown>);
    if (t !== null) return t;
  }
  return pick(config);
}

/** The series of one adaptive figure over a run's steps. */
export function adaptiveSeries(
  records: MetricsRecord[],
  key: AdaptiveKey,
  label: string,
  color: string,
): ChartSeries {
  const kept = records.filter((r) => adaptiveValue(r, key) !== null);
  const x = kept.map((r) => r.step);
  return { label, color, x, y: kept.map((r) => adaptiveValue(r, key)), wall: wallOf(x, kept) ?? [] };
}

/** One chart of p and r_t against the step, with the target line; null when the run has neither. */
export function adaptiveChart(
  records: MetricsRecord[],
  config: Record<string, unknown> | null,
  width: number,
): StepChart | null {
  if (!hasAdaptive(records)) return null;
  const colors = ['#6a3d9a', '#b15928'];
  const series = ADAPTIVE.map((a, i) => adaptiveSeries(records, a.key, a.label, colors[i]!)).filter(
    (s) => s.x.length > 0,
  );
  const target = adaptiveTarget(records, config);
  const c = stepChart('Adaptive augmentation', series, [], {
    width,
    y: { label: 'p and r_t' },
    smoothing: null,
    ...(target !== null ? { targets: [{ value: target, label: `target r_t = ${target}` }] } : {}),
  });
  c.host.classList.add('adaptive-chart');
  return c;
}
