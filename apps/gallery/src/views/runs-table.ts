/**
 * The runs as a table: thumbnail, name, status, preset and what differs from it, dataset, steps,
 * duration, quality and date. Columns sort on click, a filter narrows the rows, and a checkbox per row
 * selects runs to compare. Sort, filter and selection survive a refresh of the data (a live run).
 */
import { el, modelsUrl } from '../dom';
import type { ManifestRun } from '../manifest';
import { modelHash } from '../links';
import {
  duration,
  formatDate,
  formatDuration,
  formatNumber,
  headline,
  overrideFlags,
  searchText,
  statusOf,
} from '../run-facts';
import { budgetText, runProgress, statusLabel } from '../run-progress';

type Key = 'name' | 'status' | 'preset' | 'dataset' | 'steps' | 'duration' | 'quality' | 'date';

interface Column {
  key: Key;
  title: string;
  value: (r: ManifestRun) => string | number;
}

const COLUMNS: Column[] = [
  { key: 'name', title: 'Run', value: (r) => r.name },
  { key: 'status', title: 'Status', value: (r) => statusOf(r) },
  { key: 'preset', title: 'Preset and changes', value: (r) => r.card.preset },
  { key: 'dataset', title: 'Dataset', value: (r) => r.card.dataset.name },
  { key: 'steps', title: 'Steps', value: (r) => r.card.steps },
  { key: 'duration', title: 'Duration', value: duration },
  { key: 'quality', title: 'Quality (last evaluation)', value: (r) => headline(r)[0]?.value ?? Infinity },
  { key: 'date', title: 'Started', value: (r) => r.startedAt ?? '' },
];

export interface RunsTableState {
  sort: Key;
  descending: boolean;
  filter: string;
  selected: Set<string>;
}

export class RunsTable {
  readonly host: HTMLElement;
  private readonly body = el('tbody');
  private readonly head = el('tr');
  private readonly filterInput = el('input', {
    attrs: { type: 'search', id: 'run-filter', placeholder: 'name, preset, dataset, status, setting…' },
  });
  private readonly compare = el('a', { class: 'button primary', attrs: { id: 'compare-selected' } });
  private readonly shown = el('p', { class: 'hint', attrs: { 'aria-live': 'polite' } });
  private runs: ManifestRun[] = [];

  constructor(private readonly state: RunsTableState) {
    this.filterInput.value = state.filter;
    this.filterInput.addEventListener('input', () => {
      state.filter = this.filterInput.value;
      this.renderBody();
    });
    const table = el(
      'table',
      { class: 'runs-table' },
      el('caption', { class: 'visually-hidden', text: 'Training runs' }),
      el('thead', {}, this.head),
      this.body,
    );
    this.host = el(
      'section',
      { class: 'runs-section' },
      el(
        'div',
        { class: 'table-tools' },
        el(
          'label',
          { class: 'filter', attrs: { for: 'run-filter' } },
          el('span', { text: 'Filter' }),
          this.filterInput,
        ),
        this.shown,
        this.compare,
      ),
      el('div', { class: 'table-wrap' }, table),
    );
  }

  update(runs: ManifestRun[]): void {
    this.runs = runs;
    for (const name of [...this.state.selected]) {
      if (!runs.some((r) => r.name === name)) this.state.selected.delete(name);
    }
    this.renderHead();
    this.renderBody();
  }

  private renderHead(): void {
    const { state } = this;
    const cells = COLUMNS.map((c) => {
      const active = state.sort === c.key;
      const button = el(
        'button',
        { class: 'sort', attrs: { type: 'button', 'data-sort': c.key } },
        c.title,
        el('span', {
          class: 'sort-mark',
          attrs: { 'aria-hidden': 'true' },
          text: active ? (state.descending ? ' ▼' : ' ▲') : '',
        }),
      );
      button.addEventListener('click', () => {
        if (state.sort === c.key) state.descending = !state.descending;
        else {
          state.sort = c.key;
          // Numbers and dates read best newest/largest first, words from A.
          state.descending = c.key === 'date' || c.key === 'steps' || c.key === 'duration';
        }
        this.renderHead();
        this.renderBody();
      });
      return el(
        'th',
        {
          class: `col-${c.key}`,
          attrs: {
            scope: 'col',
            'aria-sort': active ? (state.descending ? 'descending' : 'ascending') : 'none',
          },
        },
        button,
      );
    });
    this.head.replaceChildren(
      el(
        'th',
        { class: 'col-select', attrs: { scope: 'col' } },
        el('span', { class: 'visually-hidden', text: 'Compare' }),
      ),
      ...cells,
    );
  }

  private sorted(): ManifestRun[] {
    const col = COLUMNS.find((c) => c.key === this.state.sort) ?? COLUMNS[0]!;
    const sign = this.state.descending ? -1 : 1;
    return [...this.runs].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return order * sign || a.name.localeCompare(b.name);
    });
  }

  private renderBody(): void {
    const words = this.state.filter.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = this.sorted().filter((r) => words.every((w) => searchText(r).includes(w)));
    this.body.replaceChildren(...rows.map((r) => this.row(r)));
    this.shown.textContent =
      rows.length === this.runs.length ? `${rows.length} runs` : `${rows.length} of ${this.runs.length} runs`;
    this.renderCompare();
  }

  private renderCompare(): void {
    const names = [...this.state.selected];
    const ready = names.length >= 2;
    this.compare.textContent = ready ? `Compare ${names.length} runs` : 'Select two or more runs to compare';
    this.compare.classList.toggle('disabled', !ready);
    if (ready) {
      this.compare.setAttribute('href', `#/compare?runs=${names.map(encodeURIComponent).join(',')}`);
      this.compare.removeAttribute('aria-disabled');
    } else {
      this.compare.removeAttribute('href');
      this.compare.setAttribute('aria-disabled', 'true');
    }
  }

  private row(run: ManifestRun): HTMLElement {
    const status = statusOf(run);
    const box = el('input', {
      attrs: { type: 'checkbox', class: 'select-run', 'aria-label': `compare ${run.name}`, value: run.name },
    });
    box.checked = this.state.selected.has(run.name);
    box.addEventListener('change', () => {
      if (box.checked) this.state.selected.add(run.name);
      else this.state.selected.delete(run.name);
      this.renderCompare();
    });
    const thumb = run.thumbnail
      ? el('img', {
          class: 'thumb',
          attrs: { src: modelsUrl(run.thumbnail), alt: `latest samples of ${run.name}`, loading: 'lazy' },
        })
      : el('span', { class: 'thumb thumb-empty', text: run.card.output.kind });
    const flags = overrideFlags(run);
    const figures = headline(run);
    const budget = budgetText(runProgress(run));
    const cell = (key: Key, ...children: (Node | string)[]) =>
      el(
        'td',
        { class: `col-${key}`, attrs: { 'data-label': COLUMNS.find((c) => c.key === key)?.title ?? key } },
        ...children,
      );
    return el(
      'tr',
      { class: 'run', attrs: { 'data-run': run.name, 'data-status': status } },
      el('td', { class: 'col-select' }, box),
      cell(
        'name',
        el(
          'a',
          { class: 'run-link', attrs: { href: modelHash(run.name) } },
          thumb,
          el('span', { class: 'run-name', text: run.name }),
        ),
        run.files.onnx ? '' : el('span', { class: 'tag', text: 'not exported' }),
      ),
      cell(
        'status',
        el('span', { class: `badge status-${status}`, text: statusLabel(run) }),
        budget ? el('span', { class: 'budget-stop', text: ` ${budget}` }) : '',
      ),
      cell(
        'preset',
        el('span', { class: 'preset', text: run.card.preset }),
        ...flags.map((f) => el('code', { class: 'flag', text: f })),
      ),
      cell('dataset', run.card.dataset.name),
      cell('steps', run.card.steps.toLocaleString('en')),
      cell('duration', formatDuration(duration(run))),
      cell(
        'quality',
        ...(figures.length === 0
          ? [el('span', { class: 'muted', text: 'not scored' })]
          : figures.map((f) =>
              el(
                'span',
                { class: 'figure', attrs: { title: `${f.better} is better` } },
                `${f.short} `,
                el('strong', { text: formatNumber(f.value) }),
              ),
            )),
      ),
      cell('date', formatDate(run.startedAt)),
    );
  }
}
