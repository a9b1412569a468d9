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

/**
 * Figures of the training itself, shown after the quality figures. Adaptive augmentation's p and r_t
 * describe the schedule's state, not the samples: neither way is better.
 */
const TRAINING: Record<string, string> = {
  lossD: 'Discriminator loss (last epoch’s mean)',
  lossG: 'Generator loss (last epoch’s mean)',
  worstRelErr: 'Worst relative error of the generated mean and covariance (2-D read-out; lower is better)',
  augmentP: 'Augmentation p at the end (adaptive: it rises while D is too sure of the real images)',
  overfitSignal: 'D’s real-sign signal r_t at the end (adaptive p steers it towards its target)',
};

/** Own keys only: a metric named like an Object method is not a training figure. */
const isTraining = (key: string) => Object.hasOwn(TRAINING, key);

/**
 * How a final figure is named on the page, with a sentence on its meaning for quality figures; null
 * for counts (the samples scored) and spreads, which go with the evaluation line instead.
 */
export function figureLabel(key: string): { name: string; note: string } | null {
  if (isTraining(key)) return { name: TRAINING[key]!, note: '' };
  const info = metricInfo(key);
  if (!info) return null;
  const note = `${info.explain.charAt(0).toUpperCase()}${info.explain.slice(1)}.`;
  return { name: `${info.name} (${info.better} is better)`, note };
}

/** The quality section, or null when the run records no figures. */
export function qualitySection(run: ManifestRun): HTMLElement | null {
  // Quality figures first, the training's after them.
  const entries = Object.entries(run.card.finalMetrics).sort(
    ([a], [b]) => Number(isTraining(a)) - Number(isTraining(b)),
  );
  if (entries.length === 0) return null;
  const rows = entries.flatMap(([key, value]) => {
    const label = figureLabel(key);
    if (!label) return [];
    const { name, note } = label;
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
      : el('p', {
          class: 'hint',
          text: 'This run was not scored by an evaluator; figures of its training follow.',
        }),
    el('dl', { class: 'quality-list' }, ...rows),
  );
}
