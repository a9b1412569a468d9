/** The compared runs' facts, and every config key whose value is not the same in all of them. */
import { el } from '../../dom';
import type { ManifestRun } from '../../manifest';
import {
  duration,
  formatDuration,
  formatNumber,
  formatValue,
  headline,
  STATUS_TEXT,
  statusOf,
} from '../../run-facts';

/** The config keys whose values are not the same in every run (the run's folder left out). */
export function differingKeys(runs: ManifestRun[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.config ?? {})))].filter((k) => k !== 'out');
  return keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.config?.[k] ?? null))).size > 1);
}

export function settingsTable(runs: ManifestRun[]): HTMLElement {
  const keys = differingKeys(runs);
  const rows: [string, (r: ManifestRun) => string][] = [
    ['preset', (r) => r.card.preset],
    ['dataset', (r) => r.card.dataset.name],
    ['status', (r) => STATUS_TEXT[statusOf(r)]],
    ['epochs / steps', (r) => `${r.card.epochs} / ${r.card.steps.toLocaleString('en')}`],
    ['duration', (r) => formatDuration(duration(r))],
    [
      'quality',
      (r) =>
        headline(r)
          .map((f) => `${f.short} ${formatNumber(f.value)}`)
          .join(', ') || 'not scored',
    ],
    ...keys
      .filter((k) => k !== 'preset' && k !== 'dataset')
      .map((k): [string, (r: ManifestRun) => string] => [
        k,
        (r) => (r.config && k in r.config ? formatValue(r.config[k]) : '—'),
      ]),
  ];
  const note =
    keys.length === 0
      ? el('p', { class: 'hint', text: 'These runs were trained with the same settings.' })
      : el('p', {
          class: 'hint',
          text: `${keys.length} settings differ; rows below the line are config keys.`,
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
            { class: i === 5 ? 'facts-end' : '', attrs: { 'data-key': name } },
            el('th', { attrs: { scope: 'row' }, text: name }),
            ...runs.map((r) => el('td', { text: value(r) })),
          ),
        ),
      ),
    ),
  );
}
