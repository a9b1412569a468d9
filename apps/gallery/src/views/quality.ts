/** A run's final quality figures in words: name, value, which way is better and what it means here. */
import { el } from '../dom';
import type { ManifestRun } from '../manifest';
import { formatNumber } from '../run-facts';
import { metricInfo } from './metric-names';

/** What a striking value says about this run, beyond the metric's general meaning. */
function reading(key: string, value: number): string | null {
  if (key === 'eval.recall' && value < 0.05) {
    return 'Almost none of the real images have a generated look-alike: the generator makes a few kinds of image over and over (mode collapse), or too little training has happened to cover the data.';
  }
  if (key === 'eval.precision' && value < 0.05) {
    return 'Almost no generated image lands among real ones: the samples are still noise or blur.';
  }
  if (key === 'eval.classesPresent' && value <= 2) {
    return 'Only one or two classes appear among the samples: a collapsed generator.';
  }
  return null;
}

const LOSSES: Record<string, string> = {
  lossD: 'Discriminator loss (last epoch’s mean)',
  lossG: 'Generator loss (last epoch’s mean)',
  worstRelErr: 'Worst relative error of the generated mean and covariance (2-D read-out; lower is better)',
};

/** The quality section, or null when the run records no figures. */
export function qualitySection(run: ManifestRun): HTMLElement | null {
  // Quality figures first, the losses after them.
  const entries = Object.entries(run.card.finalMetrics).sort(
    ([a], [b]) => Number(a in LOSSES) - Number(b in LOSSES),
  );
  if (entries.length === 0) return null;
  const rows = entries.flatMap(([key, value]) => {
    const info = metricInfo(key);
    // Counts (the samples scored) and spreads go with the evaluation line, not as figures.
    if (!info && !(key in LOSSES)) return [];
    const name = key in LOSSES ? LOSSES[key]! : `${info!.name} (${info!.better} is better)`;
    const note =
      info && !(key in LOSSES) ? `${info.explain.charAt(0).toUpperCase()}${info.explain.slice(1)}.` : '';
    const extra = reading(key, value);
    return [
      el('dt', { text: name }),
      el(
        'dd',
        { attrs: { 'data-metric': key } },
        el('strong', { text: formatNumber(value) }),
        note ? el('span', { class: 'metric-explain', text: ` ${note}` }) : null,
        extra ? el('span', { class: 'metric-reading', text: ` ${extra}` }) : null,
      ),
    ];
  });
  const e = run.card.evaluation;
  return el(
    'section',
    { class: 'quality' },
    el('h2', { text: 'How good is it' }),
    e
      ? el('p', {
          class: 'hint',
          text: `Scored after epoch ${e.epoch} on ${e.samples.toLocaleString('en')} generated samples, in the ${e.evaluator} against ${e.reference}.`,
        })
      : el('p', { class: 'hint', text: 'This run was not scored by an evaluator; its losses are below.' }),
    el('dl', { class: 'quality-list' }, ...rows),
  );
}
