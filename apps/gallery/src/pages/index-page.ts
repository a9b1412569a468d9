import { el, modelsUrl } from '../dom';
import type { Manifest, ManifestRun } from '../manifest';
import { modelHash } from '../router';
import { dropZone } from './open-page';

function runCard(run: ManifestRun): HTMLElement {
  const { card } = run;
  const thumb = run.thumbnail
    ? el('img', {
        class: 'thumb',
        attrs: { src: modelsUrl(run.thumbnail), alt: `latest samples of ${run.name}` },
      })
    : el('div', { class: 'thumb thumb-empty', text: card.output.kind });
  return el(
    'li',
    { class: 'run', attrs: { 'data-run': run.name } },
    el('a', { attrs: { href: modelHash(run.name) } }, thumb, el('h2', { text: run.name })),
    el(
      'dl',
      {},
      el('dt', { text: 'preset' }),
      el('dd', { text: card.preset }),
      el('dt', { text: 'dataset' }),
      el('dd', { text: card.dataset.name }),
      el('dt', { text: 'epochs' }),
      el('dd', { text: String(card.epochs) }),
      el('dt', { text: 'output' }),
      el('dd', { text: card.output.kind }),
      // The run's final figures (losses, the 2-D estimator's errors, evaluation metrics).
      ...(card.evaluation
        ? [el('dt', { text: 'eval.* by' }), el('dd', { text: card.evaluation.evaluator })]
        : []),
      ...Object.entries(card.finalMetrics).flatMap(([k, v]) => [
        el('dt', { text: k }),
        el('dd', { text: String(Number(v.toPrecision(3))) }),
      ]),
    ),
  );
}

export function renderIndex(root: HTMLElement, manifest: Manifest, onFile: (file: File) => void): void {
  document.title = 'GANForge gallery';
  const intro = el(
    'p',
    { class: 'intro' },
    'GANs trained with GANForge. Everything on a model page is generated live in your browser by the exported ONNX generator.',
  );
  const runs =
    manifest.runs.length === 0
      ? el('p', {
          class: 'notice',
          text: 'No exported runs yet: train one (npx nx run trainer:train), export it (npx ganforge export generator), then rebuild the gallery.',
        })
      : el('ul', { class: 'runs' }, ...manifest.runs.map(runCard));
  root.replaceChildren(
    el('h1', { text: 'GANForge gallery' }),
    intro,
    runs,
    el('section', { class: 'open' }, el('h2', { text: 'Your own generator' }), dropZone(onFile)),
  );
}
