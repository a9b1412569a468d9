/** A generator page's head: the way back, its name, and for a run its status, progress and time. */
import { el } from '../../dom';
import type { ManifestRun } from '../../manifest';
import { formatDuration, statusOf } from '../../run-facts';
import { budgetText, describeProgress, runProgress, statusLabel } from '../../run-progress';

export function pageHead(title: string, meta: HTMLElement): HTMLElement[] {
  return [
    el(
      'nav',
      {},
      el('a', { attrs: { href: '#/' }, text: '← all runs' }),
      ' · ',
      el('a', { attrs: { href: '#/open' }, text: 'open your own .onnx' }),
    ),
    el('header', { class: 'page-head' }, el('h1', { text: title }), meta),
  ];
}

/** Status, progress and time of a run, under its name (`run` undefined: a file the visitor opened). */
export function renderMeta(meta: HTMLElement, run: ManifestRun | undefined): void {
  if (!run) {
    meta.replaceChildren('A file you opened: it stays on this device.');
    return;
  }
  const status = statusOf(run);
  const c = run.card;
  const progress = runProgress(run);
  const budget = budgetText(progress);
  meta.replaceChildren(
    el('span', {
      class: `badge status-${status}`,
      attrs: { 'data-status': status },
      text: statusLabel(run),
    }),
    budget ? el('span', { class: 'budget-stop', text: ` ${budget}` }) : '',
    ` ${c.preset} on ${c.dataset.name} · ${describeProgress(progress)} · ${formatDuration(c.wallTimeSec)}`,
    run.error ? el('span', { class: 'error', text: ` · ${run.error}` }) : '',
  );
}
