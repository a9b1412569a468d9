/** Entry point: loads the manifest, then renders the page the URL hash names. */
import './style.css';
import { el, modelsUrl, runtimeUrl } from './dom';
import { GeneratorClient } from './generator-client';
import { enableOffline, markSeen } from './offline';
import { MANIFEST_FILE, MANIFEST_VERSION, thumbnails, type Manifest } from './manifest';
import { ModelPage, startEarlyLoad, type EarlyLoad, type PageSource } from './pages/model-page';
import { IndexPage } from './pages/index-page';
import { ComparePage } from './pages/compare-page';
import { MAX_MODEL_BYTES, renderOpen } from './pages/open-page';
import { localHash, modelHash, optionsQuery, parseRoute, type ViewOptions } from './router';

const root = document.getElementById('app');
if (!root) throw new Error('index.html must contain <main id="app">');

/** How often a live gallery (scripts/serve.ts) asks for the runs again. */
const LIVE_POLL_MS = 1500;

async function loadManifest(fresh = false): Promise<Manifest> {
  const res = await fetch(modelsUrl(MANIFEST_FILE), fresh ? { cache: 'no-store' } : {});
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

// A direct visit to a run page: start its model while the manifest loads (names are checked by then).
const firstRoute = parseRoute(location.hash);
let early: EarlyLoad | undefined =
  firstRoute.page === 'model' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(firstRoute.name)
    ? startEarlyLoad(`${firstRoute.name}/generator.onnx`)
    : undefined;

// Offline use starts once a visit's own work is done, so its downloads do not compete with the page's:
// after the first generated image (the runtime is in the browser's cache by then), or, for a visit
// that generates nothing, a while after the page loaded. It also saves every run's thumbnail, so the
// index is whole offline.
let thumbs: string[] = [];
const pageLoaded = new Promise<void>((resolve) => {
  if (document.readyState === 'complete') resolve();
  else addEventListener('load', () => resolve(), { once: true });
});
enableOffline(
  Promise.race([
    markSeen('ganforge:first-image'),
    pageLoaded.then(() => new Promise((resolve) => setTimeout(resolve, 15_000))),
  ]),
  () => thumbs,
);

function start(container: HTMLElement, first: Manifest): void {
  let manifest = first;
  let current: { key: string; page: ModelPage } | undefined;
  // The index or comparison on screen, which a live manifest refreshes in place.
  let listPage: { key: string; page: IndexPage | ComparePage } | undefined;
  // The file opened last; kept in memory only, so a reload asks for it again.
  let local: { name: string; bytes: ArrayBuffer; opened: number } | undefined;
  let openNotice: string | null = null;

  const go = (hash: string) => {
    if (location.hash === hash) render();
    else location.hash = hash;
  };

  const openFile = (file: File) => {
    if (file.size > MAX_MODEL_BYTES) {
      openNotice = `"${file.name}" is ${(file.size / 2 ** 20).toFixed(0)} MiB: too large for a generator this gallery can run`;
      return go('#/open');
    }
    file.arrayBuffer().then(
      (bytes) => {
        local = { name: file.name, bytes, opened: (local?.opened ?? 0) + 1 };
        go(localHash());
      },
      (e: unknown) => {
        openNotice = `could not read "${file.name}": ${e instanceof Error ? e.message : String(e)}`;
        go('#/open');
      },
    );
  };

  const show = (
    key: string,
    source: () => PageSource,
    options: ViewOptions,
    errors: string[],
    canonical: string,
  ) => {
    if (current?.key !== key) {
      current?.page.dispose();
      const src = source();
      // The early load is for this run's page only; anything else gets its own worker.
      const head =
        src.kind === 'run' && early?.url.endsWith(`/models/${src.run.files.onnx}`) ? early : undefined;
      if (!head) early?.client.dispose();
      early = undefined;
      current = {
        key,
        page: new ModelPage(container, src, (o) => go(`${canonical.split('?')[0]}?${optionsQuery(o)}`), head),
      };
    }
    current.page.update(options, errors);
  };

  const render = () => {
    const route = parseRoute(location.hash);
    if (route.page !== 'model' && route.page !== 'local') {
      early?.client.dispose();
      early = undefined;
      current?.page.dispose();
      current = undefined;
    }
    const listKey = route.page === 'compare' ? `compare:${location.hash}` : route.page;
    if (listPage && listPage.key !== listKey) {
      if (listPage.page instanceof ComparePage) listPage.page.dispose();
      listPage = undefined;
    }
    if (route.page === 'index') {
      listPage = { key: listKey, page: new IndexPage(container, manifest, openFile) };
      return;
    }
    if (route.page === 'compare') {
      if (!listPage) {
        listPage = {
          key: listKey,
          page: new ComparePage(container, manifest, route.names, route.seed, route.errors, go),
        };
      }
      return;
    }
    if (route.page === 'open') {
      renderOpen(container, openFile, openNotice);
      openNotice = null;
      return;
    }
    if (route.page === 'not-found') {
      return container.replaceChildren(
        el(
          'p',
          { class: 'error', text: `No page at ${route.hash}. ` },
          el('a', { attrs: { href: '#/' }, text: 'All runs' }),
        ),
      );
    }
    if (route.page === 'local') {
      if (!local) {
        openNotice = 'Opened files are not kept: open the file again.';
        return go('#/open');
      }
      const file = local;
      const canonical = localHash(route.options);
      // Put every option in the URL so what is on screen can always be linked to.
      if (route.errors.length === 0 && location.hash !== canonical) history.replaceState(null, '', canonical);
      // The worker takes the bytes over: give each page its own copy so "back" can load them again.
      return show(
        `local:${file.opened}`,
        () => ({ kind: 'file', name: file.name, bytes: file.bytes.slice(0) }),
        route.options,
        route.errors,
        canonical,
      );
    }
    const run = manifest.runs.find((r) => r.name === route.name);
    if (!run) {
      early?.client.dispose();
      early = undefined;
      current?.page.dispose();
      current = undefined;
      return container.replaceChildren(
        el('p', { class: 'error', text: `No run named "${route.name}" in this gallery. ` }),
        el('a', { attrs: { href: '#/' }, text: 'All runs' }),
      );
    }
    const canonical = modelHash(run.name, route.options);
    if (route.errors.length === 0 && location.hash !== canonical) history.replaceState(null, '', canonical);
    // A run that gets exported while its page is open is built again, now with its generator.
    show(
      `run:${run.name}:${run.files.onnx ?? ''}`,
      () => ({ kind: 'run', run }),
      route.options,
      route.errors,
      canonical,
    );
  };

  /** A live gallery: new runs, epochs, curve points and status, into the page on screen. */
  const follow = async () => {
    let next: Manifest;
    try {
      next = await loadManifest(true);
    } catch {
      return; // the server went away for a moment (or for good): keep what is on screen
    }
    const same = (m: Manifest) => JSON.stringify(m.runs);
    if (same(next) === same(manifest)) return;
    manifest = next;
    thumbs = thumbnails(manifest).map(modelsUrl);
    const route = parseRoute(location.hash);
    if (route.page === 'model') {
      const run = manifest.runs.find((r) => r.name === route.name);
      if (run && current?.key !== `run:${run.name}:${run.files.onnx ?? ''}`) return render();
      if (run) current?.page.refresh(run);
    } else listPage?.page.update(manifest);
  };
  if (manifest.live) {
    const tick = () => void follow().finally(() => setTimeout(tick, LIVE_POLL_MS));
    setTimeout(tick, LIVE_POLL_MS);
  }

  // A file dropped anywhere opens it (and the browser does not navigate away to it).
  window.addEventListener('dragover', (ev) => ev.preventDefault());
  window.addEventListener('drop', (ev) => {
    ev.preventDefault();
    const file = ev.dataTransfer?.files[0];
    if (file) openFile(file);
  });
  // Pointing at (or tabbing to) a run, or dragging a file in: start a worker and its runtime already.
  const intent = (ev: Event) => {
    const target = ev.target instanceof Element ? ev.target : null;
    if (ev.type === 'dragenter' || target?.closest('a[href^="#/model/"]'))
      GeneratorClient.prewarm(runtimeUrl());
  };
  for (const type of ['pointerover', 'focusin', 'dragenter']) window.addEventListener(type, intent);
  window.addEventListener('hashchange', render);
  render();
}

loadManifest().then(
  (manifest) => {
    thumbs = thumbnails(manifest).map(modelsUrl);
    start(root, manifest);
  },
  (e: unknown) =>
    root.replaceChildren(el('p', { class: 'error', text: e instanceof Error ? e.message : String(e) })),
);
