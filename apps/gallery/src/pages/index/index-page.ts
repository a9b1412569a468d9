/** The index: every run as a sortable, filterable table (select runs to compare), and a drop zone. */
import './index.css';
import { el } from '../../dom';
import type { Manifest } from '../../manifest';
import { RunsTable, type RunsTableState } from '../../views/runs-table';
import { copyable } from '../../views/copy';
import type { PageModule, Screen } from '../page';
import { dropZone } from '../open/drop-zone';

// Kept while the visitor moves between pages, so coming back finds the table as it was left.
const state: RunsTableState = { sort: 'date', descending: true, filter: '', selected: new Set() };

export class IndexPage implements Screen {
  private readonly table = new RunsTable(state);

  constructor(root: HTMLElement, manifest: Manifest, onFile: (file: File) => void) {
    document.title = 'GANForge gallery';
    const intro = el(
      'p',
      { class: 'intro' },
      'GANs trained with GANForge. A run’s page generates its samples live in your browser with the exported ONNX generator, and shows how training went.',
      ' ',
      el('a', {
        attrs: { href: './playground.html', id: 'playground-link' },
        text: 'Or train one live in the playground →',
      }),
    );
    const live = manifest.live
      ? el(
          'p',
          { class: 'live-note', attrs: { role: 'status' } },
          el('span', { class: 'dot' }),
          'Live: following the runs folder as the trainer writes it.',
        )
      : null;
    const empty = el(
      'div',
      { class: 'notice' },
      el('p', { text: 'No runs yet. Train one; it shows here once its first epoch is written:' }),
      copyable('npx nx run trainer:train -- --preset=tiny --out=runs/try'),
    );
    root.replaceChildren(
      el('header', { class: 'page-head' }, el('h1', { text: 'GANForge gallery' }), intro, live),
      manifest.runs.length === 0 && !manifest.live ? empty : this.table.host,
      el('section', { class: 'open' }, el('h2', { text: 'Your own generator' }), dropZone(onFile)),
    );
    this.refresh(manifest);
  }

  refresh(manifest: Manifest): void {
    this.table.update(manifest.runs);
  }
}

/** `#/`: built again on every visit (the table keeps its sort, filter and selection). */
export const indexPage: PageModule<Record<string, never>> = {
  key: () => 'index',
  show: (_params, app) => new IndexPage(app.container, app.manifest, (file) => app.openFile(file)),
};
