/**
 * The gallery's service worker: after one visit, the site opens and generates offline.
 *
 * - The app (page, scripts, styles, onnxruntime-web) is saved when the worker installs. Files the visit
 *   already downloaded come from the browser's HTTP cache, so the 14 MB runtime is not fetched twice.
 *   onnxruntime-web's WebGPU runtime (27 MB, for the playground's training on a GPU) is not saved: it is
 *   fetched when a run asks for WebGPU, and offline that engine does not start.
 * - A run's files (models/…) are saved as they are fetched, and a page may ask for more to be saved
 *   (the model it loaded before this worker controlled it, its timeline pictures): see offline.ts.
 * - Pages and run files are asked of the network first, so a rebuilt site shows its new runs; the
 *   saved copies answer when the network does not. Scripts and the runtime come from the saved copies.
 *
 * Built by vite.config.ts into sw.js at the site's root, with the app's file list and a version
 * (a hash of those files) written in: a rebuilt site gets a new worker, which drops the old app files.
 * It imports nothing, so it runs as a classic script.
 */
import type { OfflineRequest } from './offline-protocol';

declare const __GANFORGE_APP_FILES__: string[];
declare const __GANFORGE_APP_VERSION__: string;

const sw = self as unknown as ServiceWorkerGlobalScope;
const APP_FILES = __GANFORGE_APP_FILES__;
const APP_CACHE = `ganforge-app-${__GANFORGE_APP_VERSION__}`;
/** Runs' files outlive app versions: a new site build does not forget the models a visitor saved. */
const RUNS_CACHE = 'ganforge-runs';
/** Files the build names by content hash, or versions with the runtime: never changed in place. */
const IMMUTABLE = /^(assets|ort)\//;

const scope = () => sw.registration.scope;
const inScope = (url: URL) => url.href.startsWith(scope());
const relative = (url: URL) => url.href.slice(scope().length).split(/[?#]/)[0] ?? '';

function request(path: string): Request {
  // 'force-cache' takes what this visit already downloaded; pages and the manifest may have changed.
  return new Request(new URL(path, scope()), { cache: IMMUTABLE.test(path) ? 'force-cache' : 'no-cache' });
}

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(APP_CACHE).then((cache) => cache.addAll(APP_FILES.map(request))));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('ganforge-app-') && name !== APP_CACHE) await caches.delete(name);
      }
      // Take over the page that registered this worker, so what it fetches next is saved.
      await sw.clients.claim();
    })(),
  );
});

/** A response that says the file is neither reachable nor saved. */
function unavailable(path: string): Response {
  return new Response(`${path} is not saved for offline use and the network is unreachable`, {
    status: 503,
    statusText: 'Offline',
    // OFFLINE_HEADER, spelled out: importing a value would give this script a shared chunk to import.
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-GANForge-Offline': '1' },
  });
}

/** Run files: the network's answer, saved; else the saved copy (the manifest was saved at install). */
async function networkFirst(req: Request): Promise<Response> {
  try {
    const res = await fetch(req);
    if (res.ok) await (await caches.open(RUNS_CACHE)).put(req, res.clone());
    return res;
  } catch {
    const saved = await caches.match(req, { ignoreSearch: true, ignoreVary: true });
    return saved ?? unavailable(relative(new URL(req.url)));
  }
}

/**
 * Pages: the network's answer, else the page saved with this version of the app. A page fetched online
 * is not saved over it: it may name scripts of a newer build that this version has not saved.
 */
async function page(req: Request): Promise<Response> {
  try {
    return await fetch(req);
  } catch {
    // The site's root URL, under which vite.config.ts lists the page.
    const saved = await caches.match(scope(), { cacheName: APP_CACHE });
    return saved ?? unavailable(relative(new URL(req.url)));
  }
}

async function cacheFirst(req: Request): Promise<Response> {
  const saved = await caches.match(req, { cacheName: APP_CACHE, ignoreSearch: true, ignoreVary: true });
  if (saved) return saved;
  try {
    return await fetch(req);
  } catch {
    return unavailable(relative(new URL(req.url)));
  }
}

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== sw.location.origin || !inScope(url)) return;
  const path = relative(url);
  if (req.mode === 'navigate') event.respondWith(page(req));
  else if (path.startsWith('models/')) event.respondWith(networkFirst(req));
  else event.respondWith(cacheFirst(req));
});

/** Saves run files a page names; those it downloaded already come from the HTTP cache. */
async function keep(urls: string[]): Promise<void> {
  const cache = await caches.open(RUNS_CACHE);
  for (const href of new Set(urls)) {
    const url = new URL(href, scope());
    if (url.origin !== sw.location.origin || !inScope(url) || !relative(url).startsWith('models/')) continue;
    // A file that is missing or unreachable now stays unsaved; the page works online all the same.
    const req = new Request(url, { cache: 'force-cache' });
    const res = await fetch(req).catch(() => null);
    if (res?.ok) await cache.put(req, res);
  }
}

sw.addEventListener('message', (event) => {
  const msg = event.data as OfflineRequest;
  if (msg?.type === 'keep' && Array.isArray(msg.urls)) event.waitUntil(keep(msg.urls.map(String)));
});
