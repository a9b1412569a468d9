/** Messages between the page (offline.ts) and the service worker (sw.ts), and how its answers read. */

/** Save these run files (URLs under models/) for offline use. */
export interface OfflineRequest {
  type: 'keep';
  urls: string[];
}

/** The header on the service worker's answer for a file it has not saved when the network is down. */
export const OFFLINE_HEADER = 'X-GANForge-Offline';

/**
 * Fetches a run file; when neither the network nor the saved copies have it, throws an error that says
 * so (and what to do) instead of a bare HTTP status.
 */
export async function fetchRunFile(url: string, what: string): Promise<Response> {
  const offline = () =>
    new Error(
      `could not load ${what}: this device is offline and this file was not saved for offline use. ` +
        'Open this run once while online to keep it.',
    );
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    if (!navigator.onLine) throw offline();
    throw e;
  }
  if (res.headers.get(OFFLINE_HEADER)) throw offline();
  return res;
}
