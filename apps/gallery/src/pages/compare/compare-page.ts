/**
 * Several runs side by side: samples from each generator at the same seed, their loss curves and
 * evaluation metrics overlaid (one colour per run), and the settings in which they differ.
 */
import './compare.css';
import { el } from '../../dom';
import { compareHash, MAX_SEED, modelHash, parseSeed, type CompareParams } from '../../links';
import type { Manifest, ManifestRun } from '../../manifest';
import { statusOf } from '../../run-facts';
import { statusLabel } from '../../run-progress';
import { smoothingControl } from '../../views/charts';
import type { PageModule, Screen } from '../page';
import { colorOf, swatch } from './colors';
import { CompareCharts } from './compare-charts';
import { CompareSamples } from './compare-samples';
import { CompareTimeline } from './compare-timeline';
import { settingsTable } from './settings-table';

const MAX_RUNS = 6;

export class ComparePage implements Screen {
  private readonly charts = new CompareCharts();
  private readonly samples = new CompareSamples();
  private readonly timeline = new CompareTimeline();
  private readonly status = el('p', { class: 'status', attrs: { role: 'status' } });
  private runs: ManifestRun[];
  private progress = '';
  private seed: number;

  constructor(
    root: HTMLElement,
    manifest: Manifest,
    { names, seed, errors }: CompareParams,
    private readonly navigate: (hash: string) => void,
  ) {
    this.seed = seed;
    const missing = names.filter((n) => !manifest.runs.some((r) => r.name === n));
    this.runs = names.flatMap((n) => manifest.runs.filter((r) => r.name === n)).slice(0, MAX_RUNS);
    document.title = `Compare ${this.runs.map((r) => r.name).join(', ')} · GANForge gallery`;
    const problems = [
      ...errors,
      ...missing.map((n) => `no run named "${n}" in this gallery`),
      ...(names.length > MAX_RUNS ? [`showing the first ${MAX_RUNS} of ${names.length} runs`] : []),
      ...(this.runs.length < 2 ? ['pick two or more runs in the table to compare them'] : []),
    ];
    if (problems.length > 0) {
      this.status.className = 'status error';
      this.status.textContent = problems.join('; ');
    }
    root.replaceChildren(
      el('nav', {}, el('a', { attrs: { href: '#/' }, text: '← all runs' })),
      el('h1', { text: `Comparing ${this.runs.length} runs` }),
      this.legend(),
      this.status,
      el(
        'section',
        { class: 'compare-section' },
        el('h2', { text: 'Samples' }),
        this.seedForm(),
        this.samples.host,
      ),
      el(
        'section',
        { class: 'compare-section' },
        el('h2', { text: 'Training pictures' }),
        el('p', {
          class: 'hint',
          text: 'One slider moves every run to the same step; “before / after” shows two steps side by side.',
        }),
        this.timeline.host,
      ),
      el(
        'section',
        { class: 'compare-section' },
        el('h2', { text: 'Training curves' }),
        smoothingControl(() => this.charts.lossCharts()),
        this.charts.host,
      ),
      el('section', { class: 'compare-section' }, el('h2', { text: 'Settings' }), settingsTable(this.runs)),
    );
    this.progress = this.progressKey(this.runs);
    void this.samples.draw(this.runs, this.seed);
    void this.timeline.draw(this.runs);
    void this.charts.draw(this.runs);
  }

  private legend(): HTMLElement {
    return el(
      'ul',
      { class: 'compare-legend' },
      ...this.runs.map((r, i) =>
        el(
          'li',
          { attrs: { 'data-run': r.name } },
          swatch(colorOf(i)),
          el('a', { attrs: { href: modelHash(r.name) }, text: r.name }),
          el('span', { class: `badge status-${statusOf(r)}`, text: statusLabel(r) }),
        ),
      ),
    );
  }

  private seedForm(): HTMLElement {
    const input = el('input', {
      attrs: {
        type: 'number',
        id: 'compare-seed',
        min: '0',
        max: String(MAX_SEED),
        value: String(this.seed),
      },
    });
    const form = el(
      'form',
      { class: 'controls' },
      el(
        'div',
        { class: 'field' },
        el('label', { attrs: { for: 'compare-seed' }, text: 'seed, shared by every run' }),
        input,
        el('button', { attrs: { type: 'submit' }, text: 'Generate' }),
      ),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const r = parseSeed(input.value);
      if ('error' in r) {
        input.setCustomValidity(r.error);
        input.reportValidity();
      } else
        this.navigate(
          compareHash(
            this.runs.map((x) => x.name),
            r.seed,
          ),
        );
    });
    input.addEventListener('input', () => input.setCustomValidity(''));
    return form;
  }

  private progressKey(runs: ManifestRun[]): string {
    return JSON.stringify(runs.map((r) => [r.name, r.progress, r.status]));
  }

  /** A newer manifest (live): redraw the curves of runs that moved on. */
  refresh(manifest: Manifest): void {
    const runs = this.runs.map((r) => manifest.runs.find((m) => m.name === r.name) ?? r);
    const key = this.progressKey(runs);
    if (key === this.progress) return;
    this.progress = key;
    const pictures = (rs: ManifestRun[]) => rs.map((r) => r.files.samples.length).join(',');
    const newPictures = pictures(runs) !== pictures(this.runs);
    this.runs = runs;
    void this.charts.draw(this.runs);
    if (newPictures) void this.timeline.draw(this.runs);
  }

  dispose(): void {
    this.timeline.dispose();
    this.samples.dispose();
    this.charts.dispose();
  }
}

/** `#/compare?runs=a,b&seed=…`: one page per link; a new seed is a new link, so a new page. */
export const comparePage: PageModule<CompareParams> = {
  key: () => `compare:${location.hash}`,
  show: (params, app, current) =>
    current ?? new ComparePage(app.container, app.manifest, params, (hash) => app.go(hash)),
};
