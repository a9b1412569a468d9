/** Hash routes: `#/` (index) and `#/model/<name>?seed=<n>`. */
export const MAX_SEED = 2 ** 31 - 1;

export type Route =
  | { page: 'index' }
  | { page: 'model'; name: string; seed: number | null; seedError: string | null }
  | { page: 'not-found'; hash: string };

/** Parses a seed from the URL: a whole number in [0, MAX_SEED], or an error message saying so. */
export function parseSeed(text: string): { seed: number } | { error: string } {
  const trimmed = text.trim();
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_SEED) {
    return { error: `seed "${text}" is not valid: use a whole number from 0 to ${MAX_SEED}` };
  }
  return { seed: n };
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  if (h === '' || h === '/') return { page: 'index' };
  const [path = '', query = ''] = h.split('?', 2);
  const m = /^\/model\/([^/]+)\/?$/.exec(path);
  if (!m?.[1]) return { page: 'not-found', hash };
  let name: string;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    return { page: 'not-found', hash };
  }
  const seedText = new URLSearchParams(query).get('seed');
  if (seedText === null) return { page: 'model', name, seed: null, seedError: null };
  const parsed = parseSeed(seedText);
  return 'seed' in parsed
    ? { page: 'model', name, seed: parsed.seed, seedError: null }
    : { page: 'model', name, seed: null, seedError: parsed.error };
}

export function modelHash(name: string, seed?: number): string {
  const base = `#/model/${encodeURIComponent(name)}`;
  return seed === undefined ? base : `${base}?seed=${seed}`;
}
