/** Entry point: loads the manifest, then shows the page the URL hash names (through router.ts). */
import './style.css';
import { el, modelsUrl, runtimeUrl } from './dom';
import { GeneratorClient } from './generator-client';
import { enableOffline, markSeen } from './offline';
import { MANIFEST_FILE, MANIFEST_VERSION, thumbnails, type Manifest } from './manifest';
import { startEarlyLoad, type EarlyLoad } from './pages/model/loading';
import { openFile } from './pages/open/opened-file';
import type { App, Screen } from './pages/page';
import { matchRoute, parseRoute } from './router';

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

/** The gallery on screen: the page the hash names, kept while its key stays the same. */
class Gallery implements App {
  private shown: { key: string | null; screen: Screen } | undefined;

  constructor(
    readonly container: HTMLElement,
    public manifest: Manifest,
  ) {}

  readonly go = (hash: string): void => {
    if (location.hash === hash) this.render();
    else location.hash = hash;
  };

  readonly openFile = (file: File): void => openFile(file, this.go);

  takeEarly(onnxPath: string | undefined): EarlyLoad | undefined {
    const head = onnxPath && early?.url.endsWith(`/models/${onnxPath}`) ? early : undefined;
    if (!head) early?.client.dispose();
    early = undefined;
    return head;
  }

  readonly render = (): void => {
    const page = matchRoute(location.hash);
    const key = page.key(this);
    const same = key !== null && this.shown?.key === key ? this.shown.screen : undefined;
    if (!same) this.shown?.screen.dispose?.();
    this.shown = { key, screen: page.show(this, same) };
    this.takeEarly(undefined); // unless the page took it, nothing needs it any more
  };

  /** A live gallery: new runs, epochs, curve points and status, into the page on screen. */
  async follow(): Promise<void> {
    let next: Manifest;
    try {
      next = await loadManifest(true);
    } catch {
      return; // the server went away for a moment (or for good): keep what is on screen
    }
    const same = (m: Manifest) => JSON.stringify(m.runs);
    if (same(next) === same(this.manifest)) return;
    this.manifest = next;
    thumbs = thumbnails(next).map(modelsUrl);
    const key = matchRoute(location.hash).key(this);
    // A page whose key changed (a run exported, or new in the gallery) is built again.
    if (key !== null && key !== this.shown?.key) this.render();
    else this.shown?.screen.refresh?.(next);
  }
}

/** Drops and hints from anywhere on the page. */
function listen(app: Gallery): void {
  // A file dropped anywhere opens it (and the browser does not navigate away to it).
  window.addEventListener('dragover', (ev) => ev.preventDefault());
  window.addEventListener('drop', (ev) => {
    ev.preventDefault();
    const file = ev.dataTransfer?.files[0];
    if (file) app.openFile(file);
  });
  // Pointing at (or tabbing to) a run, or dragging a file in: start a worker and its runtime already.
  const intent = (ev: Event) => {
    const target = ev.target instanceof Element ? ev.target : null;
    if (ev.type === 'dragenter' || target?.closest('a[href^="#/model/"]'))
      GeneratorClient.prewarm(runtimeUrl());
  };
  for (const type of ['pointerover', 'focusin', 'dragenter']) window.addEventListener(type, intent);
  window.addEventListener('hashchange', app.render);
}

function start(container: HTMLElement, manifest: Manifest): void {
  const app = new Gallery(container, manifest);
  if (manifest.live) {
    const tick = () => void app.follow().finally(() => setTimeout(tick, LIVE_POLL_MS));
    setTimeout(tick, LIVE_POLL_MS);
  }
  listen(app);
  app.render();
}

loadManifest().then(
  (manifest) => {
    thumbs = thumbnails(manifest).map(modelsUrl);
    start(root, manifest);
  },
  (e: unknown) =>
    root.replaceChildren(el('p', { class: 'error', text: e instanceof Error ? e.message : String(e) })),
);
