/** Entry point: loads the manifest, then renders the page the URL hash names. */
import './style.css';
import { el, modelsUrl } from './dom';
import { MANIFEST_FILE, MANIFEST_VERSION, type Manifest } from './manifest';
import { ModelPage } from './pages/model-page';
import { renderIndex } from './pages/index-page';
import { modelHash, parseRoute } from './router';

const root = document.getElementById('app');
if (!root) throw new Error('index.html must contain <main id="app">');

async function loadManifest(): Promise<Manifest> {
  const res = await fetch(modelsUrl(MANIFEST_FILE));
  if (!res.ok) {
    throw new Error(
      `models/${MANIFEST_FILE} is missing (HTTP ${res.status}): run the gallery's build or serve script`,
    );
  }
  const manifest = (await res.json()) as Manifest;
  if (manifest.version !== MANIFEST_VERSION) {
    throw new Error(
      `models/${MANIFEST_FILE} has version ${manifest.version}, expected ${MANIFEST_VERSION}: rebuild it`,
    );
  }
  return manifest;
}

function start(container: HTMLElement, manifest: Manifest): void {
  let modelPage: { name: string; page: ModelPage } | undefined;

  const render = () => {
    const route = parseRoute(location.hash);
    if (route.page !== 'model' || route.name !== modelPage?.name) {
      modelPage?.page.dispose();
      modelPage = undefined;
    }
    if (route.page === 'index') return renderIndex(container, manifest);
    if (route.page === 'not-found') {
      return container.replaceChildren(
        el(
          'p',
          { class: 'error', text: `No page at ${route.hash}. ` },
          el('a', { attrs: { href: '#/' }, text: 'All runs' }),
        ),
      );
    }
    const run = manifest.runs.find((r) => r.name === route.name);
    if (!run) {
      return container.replaceChildren(
        el('p', { class: 'error', text: `No run named "${route.name}" in this gallery. ` }),
        el('a', { attrs: { href: '#/' }, text: 'All runs' }),
      );
    }
    if (route.seed === null && !route.seedError) {
      // Put the default seed in the URL so what is on screen can always be linked to.
      history.replaceState(null, '', modelHash(run.name, 0));
    }
    modelPage ??= { name: run.name, page: new ModelPage(container, run) };
    void modelPage.page.show(route.seed ?? 0, route.seedError);
  };

  window.addEventListener('hashchange', render);
  render();
}

loadManifest().then(
  (manifest) => start(root, manifest),
  (e: unknown) =>
    root.replaceChildren(el('p', { class: 'error', text: e instanceof Error ? e.message : String(e) })),
);
