/**
 * Offline use: registers the service worker (sw.ts) once a page's own work is done, and asks it to save
 * run files. Registering later, not at once, keeps a first visit's downloads and start-up to itself.
 */
import type { OfflineRequest } from './offline-protocol';

let registration: Promise<ServiceWorker | null> | undefined;

/** Set by vite.config.ts: true in the built site, which has a sw.js. */
declare const __GANFORGE_SERVICE_WORKER__: boolean;

/** The built site only: the dev server's files change under it and must not be served from a cache. */
const enabled = () =>
  typeof __GANFORGE_SERVICE_WORKER__ !== 'undefined' &&
  __GANFORGE_SERVICE_WORKER__ &&
  'serviceWorker' in navigator;

/**
 * Registers the service worker when `after` settles; the first call wins. Then saves what the page
 * fetched before the worker could see it (the manifest, a model) and the files `keep` names.
 */
export function enableOffline(after: Promise<unknown>, keep: () => string[] = () => []): void {
  if (!enabled() || registration) return;
  registration = after
    .catch(() => undefined)
    .then(() => navigator.serviceWorker.register(new URL('sw.js', document.baseURI)))
    .then(() => navigator.serviceWorker.ready)
    .then(
      (reg) => reg.active,
      (e: unknown) => {
        // The site still works online; only offline use is lost.
        console.warn(`offline use is not available: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      },
    );
  void keepOffline(
    registration.then(() => [...performance.getEntriesByType('resource').map((e) => e.name), ...keep()]),
  );
}

/**
 * Asks the service worker to save these files under models/ (those already downloaded are taken from
 * the browser's cache). Does nothing where offline use is not enabled; files it cannot fetch stay unsaved.
 */
export async function keepOffline(urls: string[] | Promise<string[]>): Promise<void> {
  const worker = await registration;
  if (!worker) return;
  const models = new URL('models/', document.baseURI).href;
  const wanted = (await urls).filter((u) => u.startsWith(models));
  const msg: OfflineRequest = { type: 'keep', urls: wanted };
  if (wanted.length > 0) worker.postMessage(msg);
}

/** Resolves when the page records the performance mark `name` (or has already). */
export function markSeen(name: string): Promise<void> {
  return new Promise((resolve) => {
    if (performance.getEntriesByName(name, 'mark').length > 0) return resolve();
    const observer = new PerformanceObserver((list) => {
      if (list.getEntriesByName(name).length === 0) return;
      observer.disconnect();
      resolve();
    });
    observer.observe({ type: 'mark' });
  });
}
