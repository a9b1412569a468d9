/** The compared runs' facts, and every config key whose value is not the same in all of them. */
import { el } from '../../dom';
import type { ManifestRun } from '../../manifest';
import {
  duration,
  formatDuration,
  formatNumber,
  formatValue,
  headline,
} from '../../run-facts';
import { statusLabel } from '../../run-progress';

/** The config keys whose values are not the same in every run (the run's folder left out). */
export function differingKeys(runs: ManifestRun[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.config ?? {})))].filter((k) => k !== 'out');
  return keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.config?.[k] ?? null))).size > 1);
}

/** Config values whose meaning is not in the number: 0 minutes is no time budget at all. */
const MEANING: Record<string, (v: unknown) => string | null> = {
  maxMinutes: (v) => (v === 0 ? 'no time budget' : null),
};

/** A config value as the table shows it, with what a special value means. */
export function configText(key: string, v: unknown): string {
  const meaning = MEANING[key]?.(v);
  return meaning ? `${formatValue(v)} (${meaning})` : formatValue(v);
}

export function settingsTable(runs: ManifestRun[]): HTMLElement {
  const keys = differingKeys(runs);
  const facts: [string, (r: ManifestRun) => string][] = [
    ['preset', (r) => r.card.preset],
    ['dataset', (r) => r.card.dataset.name],
    ['status', (r) => statusLabel(r)],
    ['epochs / steps', (r) => `${r.card.epochs} / ${r.card.steps.toLocaleString('en')}`],
    ['duration', (r) => formatDuration(duration(r))],
    [
      'quality',
      (r) =>
        headline(r)
          .map((f) => `${f.short} ${formatNumber(f.value)}`)
          .join(', ') || 'not scored',
    ],
  ];
  // preset and dataset are among the facts above the line.
  const configRows = keys
    .filter((k) => k !== 'preset' && k !== 'dataset')
    .map((k): [string, (r: ManifestRun) => string] => [
      k,
      (r) => (r.config && k in r.config ? configText(k, r.config[k]) : '—'),
    ]);
  const rows = [...facts, ...configRows];
  const inFacts = keys.filter((k) => k === 'preset' || k === 'dataset');
  const note =
    keys.length === 0
      ? el('p', { class: 'hint', text: 'These runs were trained with the same settings.' })
      : el('p', {
          class: 'hint',
          attrs: { id: 'settings-note' },
          text: `${configRows.length} config setting${configRows.length === 1 ? ' differs' : 's differ'}: the rows below the line${
            inFacts.length
              ? ` (${inFacts.join(' and ')} differ${inFacts.length === 1 ? 's' : ''} too, in the facts above it)`
              : ''
          }; “—”: that run’s config has no such setting.`,
        });
  return el(
    'div',
    { class: 'table-wrap' },
    note,
    el(
      'table',
      { class: 'compare-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { attrs: { scope: 'col' }, text: 'setting' }),
          ...runs.map((r) => el('th', { attrs: { scope: 'col' }, text: r.name })),
        ),
      ),
      el(
        'tbody',
        {},
        ...rows.map(([name, value], i) =>
          el(
            'tr',
            { class: i === facts.length - 1 ? 'facts-end' : '', attrs: { 'data-key': name } },
            el('th', { attrs: { scope: 'row' }, text: name }),
            ...runs.map((r) => el('td', { text: value(r) })),
          ),
        ),
      ),
    ),
  );
}
