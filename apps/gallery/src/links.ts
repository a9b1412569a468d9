/**
 * What a page's URL says: the options of a generator's page (seed, trunc (truncation), class (class
 * index; absent = one row per class), n (sample count), a and b (the samples the interpolation walks
 * between)), the runs a comparison shows, and the hashes that link to each page. The route table that
 * reads them is in router.ts.
 */
export const MAX_SEED = 2 ** 31 - 1;
export const MAX_COUNT = 256;
export const MAX_TRUNCATION = 4;

export interface ViewOptions {
  seed: number;
  /** Redraw latent values with |z| above this; null: no truncation. */
  truncation: number | null;
  /** Class index for conditional models; null: one row per class. */
  cls: number | null;
  /** Number of samples; null: the page's default. */
  count: number | null;
  /** Indices of the two samples the interpolation walks between. */
  a: number;
  b: number;
}

export const DEFAULT_OPTIONS: ViewOptions = { seed: 1, truncation: null, cls: null, count: null, a: 0, b: 1 };

/** A page's options as its URL gives them; a bad value keeps its default and adds an error. */
export interface ParsedOptions {
  options: ViewOptions;
  errors: string[];
}

/** A comparison's runs (names, in order, once each) and the seed every run's samples share. */
export interface CompareParams {
  names: string[];
  seed: number;
  errors: string[];
}

function wholeNumber(text: string, name: string, max: number): { value: number } | { error: string } {
  const trimmed = text.trim();
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(n) || n > max) {
    return { error: `${name} "${text}" is not valid: use a whole number from 0 to ${max}` };
  }
  return { value: n };
}

/** Parses a seed: a whole number in [0, MAX_SEED], or an error message saying so. */
export function parseSeed(text: string): { seed: number } | { error: string } {
  const r = wholeNumber(text, 'seed', MAX_SEED);
  return 'value' in r ? { seed: r.value } : r;
}

/** Parses a truncation threshold: a number in (0, MAX_TRUNCATION]. */
export function parseTruncation(text: string): { truncation: number } | { error: string } {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_TRUNCATION) {
    return { error: `truncation "${text}" is not valid: use a number above 0 and at most ${MAX_TRUNCATION}` };
  }
  return { truncation: n };
}

/** Reads the options from a query string; a bad value keeps its default and adds an error. */
export function parseOptions(query: string): ParsedOptions {
  const params = new URLSearchParams(query);
  const options: ViewOptions = { ...DEFAULT_OPTIONS };
  const errors: string[] = [];
  const seed = params.get('seed');
  if (seed !== null) {
    const r = parseSeed(seed);
    if ('seed' in r) options.seed = r.seed;
    else errors.push(r.error);
  }
  const trunc = params.get('trunc');
  if (trunc !== null) {
    const r = parseTruncation(trunc);
    if ('truncation' in r) options.truncation = r.truncation;
    else errors.push(r.error);
  }
  const ints: [string, 'cls' | 'count' | 'a' | 'b', number][] = [
    ['class', 'cls', 10_000],
    ['n', 'count', MAX_COUNT],
    ['a', 'a', MAX_COUNT - 1],
    ['b', 'b', MAX_COUNT - 1],
  ];
  for (const [key, field, max] of ints) {
    const text = params.get(key);
    if (text === null) continue;
    const r = wholeNumber(text, key, max);
    if ('error' in r) errors.push(r.error);
    else if (field === 'count' && r.value === 0)
      errors.push(`n "${text}" is not valid: use 1 to ${MAX_COUNT}`);
    else options[field] = r.value;
  }
  return { options, errors };
}

/** The query string for `options`: the seed always (so a page can always be linked to), others when set. */
export function optionsQuery(o: ViewOptions): string {
  const params = new URLSearchParams({ seed: String(o.seed) });
  if (o.truncation !== null) params.set('trunc', String(o.truncation));
  if (o.cls !== null) params.set('class', String(o.cls));
  if (o.count !== null) params.set('n', String(o.count));
  if (o.a !== DEFAULT_OPTIONS.a || o.b !== DEFAULT_OPTIONS.b) {
    params.set('a', String(o.a));
    params.set('b', String(o.b));
  }
  return params.toString();
}

/** `#/model/<name>`, with the options' query when given (a seed alone may be passed as a number). */
export function modelHash(name: string, options?: Partial<ViewOptions> | number): string {
  const base = `#/model/${encodeURIComponent(name)}`;
  if (options === undefined) return base;
  const o = typeof options === 'number' ? { seed: options } : options;
  return `${base}?${optionsQuery({ ...DEFAULT_OPTIONS, ...o })}`;
}

/** `runs=a,b` (names, in order, once each) and the seed every run's samples share. */
export function parseCompare(query: string): CompareParams {
  const params = new URLSearchParams(query);
  const names = [
    ...new Set(
      (params.get('runs') ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ];
  const errors: string[] = [];
  let seed = DEFAULT_OPTIONS.seed;
  const text = params.get('seed');
  if (text !== null) {
    const r = parseSeed(text);
    if ('seed' in r) seed = r.seed;
    else errors.push(r.error);
  }
  return { names, seed, errors };
}

export function compareHash(names: string[], seed = DEFAULT_OPTIONS.seed): string {
  return `#/compare?runs=${names.map(encodeURIComponent).join(',')}&seed=${seed}`;
}

export function localHash(options: Partial<ViewOptions> = {}): string {
  return `#/local?${optionsQuery({ ...DEFAULT_OPTIONS, ...options })}`;
}
