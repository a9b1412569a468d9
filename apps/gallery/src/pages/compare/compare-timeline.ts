/**
 * The compared runs' training pictures at the same step: one slider over every step a picture was made
 * at, each run showing its latest picture at or before it, with a before / after view.
 */
import { el } from '../../dom';
import type { ManifestRun, MetricsRecord } from '../../manifest';
import { StepSlider, type Frame } from '../../views/step-slider';
import { epochsOf } from '../../views/timeline';
import { colorOf } from './colors';
import { fetchJson } from './run-files';

/** A run's pictures with the step each was made at (its epoch's last step, from metrics.json). */
export function runFrames(run: ManifestRun, records: MetricsRecord[]): Frame[] {
  const epochs = epochsOf(run.files.samples);
  const stepOf = new Map(records.map((r) => [r.epoch, r.step]));
  // Without metrics, an even share of the run's steps per epoch.
  const perEpoch = run.card.epochs > 0 ? run.card.steps / run.card.epochs : 0;
  return run.files.samples.map((src, i) => {
    const epoch = epochs[i]!;
    const step = stepOf.get(epoch) ?? Math.round(epoch * perEpoch);
    return {
      at: step,
      epoch,
      step,
      src,
      alt: `fixed-noise samples of ${run.name} after epoch ${epoch} (step ${step})`,
    };
  });
}

export class CompareTimeline {
  readonly host = el('div', { class: 'compare-timeline-box' });
  private slider: StepSlider | undefined;

  async draw(runs: ManifestRun[]): Promise<void> {
    const withPictures = runs.filter((r) => r.files.samples.length > 0);
    if (withPictures.length === 0) {
      this.host.replaceChildren(
        el('p', { class: 'hint', text: 'None of these runs saved training pictures.' }),
      );
      return;
    }
    let records: MetricsRecord[][];
    try {
      records = await Promise.all(withPictures.map((r) => fetchJson<MetricsRecord[]>(r.files.metrics, [])));
    } catch (e) {
      this.host.replaceChildren(
        el('p', { class: 'error', text: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
    this.slider?.stop();
    this.slider = new StepSlider(
      withPictures.map((r, i) => ({
        key: r.name,
        title: r.name,
        color: colorOf(runs.indexOf(r)),
        frames: runFrames(r, records[i]!),
      })),
      {
        id: 'compare-step',
        playId: 'compare-play',
        name: 'step',
        frameClass: 'step-frame',
        className: 'compare-timeline',
        caption: (step) => `step ${step.toLocaleString('en')}: each run’s latest picture at or before it`,
      },
    );
    this.host.replaceChildren(this.slider.host);
  }

  dispose(): void {
    this.slider?.stop();
  }
}
