import { el, modelsUrl } from '../dom';
import type { Manifest, ManifestRun } from '../manifest';
import { modelHash } from '../router';

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
    ),
  );
}

export function renderIndex(root: HTMLElement, manifest: Manifest): void {
  document.title = 'GANForge gallery';
  if (manifest.runs.length === 0) {
    root.replaceChildren(
      el('h1', { text: 'GANForge gallery' }),
      el('p', {
        class: 'notice',
        text: 'No exported runs yet: train one (npx nx run trainer:train), export it (npx ganforge export generator), then rebuild the gallery.',
      }),
    );
    return;
  }
  root.replaceChildren(
    el('h1', { text: 'GANForge gallery' }),
    el('ul', { class: 'runs' }, ...manifest.runs.map(runCard)),
  );
}
