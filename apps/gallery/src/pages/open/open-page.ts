/** Open your own .onnx generator: a file picker and a drop zone (the whole page also takes drops). */
import './open.css';
import { el } from '../../dom';
import type { PageModule } from '../page';
import { dropZone } from './drop-zone';
import { takeNotice } from './opened-file';

function renderOpen(root: HTMLElement, onFile: (file: File) => void, notice: string | null): void {
  document.title = 'Open a generator · GANForge gallery';
  root.replaceChildren(
    el('nav', {}, el('a', { attrs: { href: '#/' }, text: '← all runs' })),
    el('h1', { text: 'Open your own generator' }),
    ...(notice ? [el('p', { class: 'error', attrs: { role: 'alert' }, text: notice })] : []),
    el(
      'p',
      {},
      'Any ONNX generator with one float latent input (and optionally an int64 class label) works: GANForge ' +
        'exports say everything about themselves; for others, the shapes in the graph are used.',
    ),
    dropZone(onFile),
  );
}

/** `#/open`: built again on every visit, with what went wrong with the last file, if anything. */
export const openPage: PageModule<Record<string, never>> = {
  key: () => 'open',
  show(_params, app) {
    renderOpen(app.container, (file) => app.openFile(file), takeNotice());
    return {};
  },
};
