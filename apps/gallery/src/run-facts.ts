/** How a run reads in a table: its status, settings, quality figures, duration and date, in words. */
import type { ManifestRun, RunStatus } from './manifest';
import { metricInfo } from './views/metric-names';

/** The figures a table shows, best first: image quality, then the 2-D read-outs. */
const HEADLINE = [
  ['eval.fd', 'FD'],
  ['eval.kid', 'KID'],
  ['eval.recall', 'recall'],
  ['eval.frechet2d', 'FD 2-D'],
  ['eval.meanDistance', 'mean dist.'],
  ['worstRelErr', 'worst rel. error'],
] as const;

export interface Figure {
  key: string;
  short: string;
  value: number;
  better: 'lower' | 'higher';
}

/** Up to three quality figures of the run's last evaluation (or its 2-D read-out). */
export function headline(run: ManifestRun): Figure[] {
  const m = run.card.finalMetrics;
  const out: Figure[] = [];
  for (const [key, short] of HEADLINE) {
    const value = m[key];
    if (value === undefined || !Number.isFinite(value) || out.length >= 3) continue;
    out.push({ key, short, value, better: metricInfo(key)?.better ?? 'lower' });
  }
  return out;
}

export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en');
  if (a >= 100) return v.toFixed(1);
  if (a >= 0.001) return String(Number(v.toPrecision(3)));
  return v.toExponential(1);
}

/** A config value as the command line writes it (numbers exactly, arrays comma-separated). */
export function formatValue(v: unknown): string {
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** "1 h 02 min", "4 min 12 s", "38 s". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** "2026-12-03 11:52" in UTC, so a table reads the same everywhere. */
export function formatDate(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** The run's duration in seconds: the trainer's wall time so far. */
export function duration(run: ManifestRun): number {
  return run.card.wallTimeSec;
}

/** A run without state.json (an older trainer) that has a model card finished at least one epoch. */
export function statusOf(run: ManifestRun): RunStatus | 'unknown' {
  return run.status ?? 'unknown';
}

export const STATUS_TEXT: Record<RunStatus | 'unknown', string> = {
  running: 'running',
  completed: 'completed',
  interrupted: 'interrupted',
  failed: 'failed',
  unknown: 'finished',
};

/** "--epochs=3 --maxMinutes=2": the settings that differ from the preset, as flags. */
export function overrideFlags(run: ManifestRun): string[] {
  return Object.entries(run.overrides).map(([k, v]) => `${k}=${formatValue(v)}`);
}

/** Every text of a run a filter matches against. */
export function searchText(run: ManifestRun): string {
  return [
    run.name,
    statusOf(run),
    run.card.preset,
    run.card.dataset.name,
    run.card.output.kind,
    ...overrideFlags(run),
  ]
    .join(' ')
    .toLowerCase();
}
