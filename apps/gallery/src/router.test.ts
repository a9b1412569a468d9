import { describe, expect, it } from 'vitest';
import { compareHash, DEFAULT_OPTIONS, MAX_SEED, localHash, modelHash, parseOptions } from './links';
import type { Manifest, ManifestRun } from './manifest';
import type { App } from './pages/page';
import { matchRoute, parseRoute, ROUTES } from './router';

describe('parseRoute', () => {
  it('maps an empty hash and #/ to the index, #/open to the file picker', () => {
    expect(parseRoute('')).toEqual({ page: 'index' });
    expect(parseRoute('#/')).toEqual({ page: 'index' });
    expect(parseRoute('#/open')).toEqual({ page: 'open' });
  });

  it('reads the model name and options', () => {
    expect(parseRoute('#/model/gauss-1?seed=7&trunc=0.5&class=3&n=10&a=2&b=5')).toEqual({
      page: 'model',
      name: 'gauss-1',
      options: { seed: 7, truncation: 0.5, cls: 3, count: 10, a: 2, b: 5 },
      errors: [],
    });
    expect(parseRoute('#/model/gauss-1')).toEqual({
      page: 'model',
      name: 'gauss-1',
      options: DEFAULT_OPTIONS,
      errors: [],
    });
    expect(parseRoute('#/local?seed=4')).toEqual({
      page: 'local',
      options: { ...DEFAULT_OPTIONS, seed: 4 },
      errors: [],
    });
  });

  it('reads the runs to compare and their shared seed, and writes them back', () => {
    expect(parseRoute('#/compare?runs=a,b%20c,a&seed=5')).toEqual({
      page: 'compare',
      names: ['a', 'b c'],
      seed: 5,
      errors: [],
    });
    // A seed that is not a number falls back to 1, the seed the CLI and the SDK start from.
    expect(parseRoute('#/compare?runs=a&seed=x')).toMatchObject({
      seed: 1,
      errors: [expect.stringMatching(/seed "x"/)],
    });
    expect(parseRoute(compareHash(['a', 'b c'], 9))).toMatchObject({ names: ['a', 'b c'], seed: 9 });
  });

  it('decodes the run name', () => {
    expect(parseRoute('#/model/a%20b?seed=1')).toMatchObject({ page: 'model', name: 'a b' });
  });

  it('keeps defaults for bad values and says why', () => {
    const r = parseRoute('#/model/x?seed=abc&trunc=-1&n=0');
    expect(r).toMatchObject({ page: 'model', name: 'x', options: DEFAULT_OPTIONS });
    if (r.page !== 'model') throw new Error('expected a model route');
    expect(r.errors).toEqual([
      `seed "abc" is not valid: use a whole number from 0 to ${MAX_SEED}`,
      'truncation "-1" is not valid: use a number above 0 and at most 4',
      'n "0" is not valid: use 1 to 256',
    ]);
  });

  it('sends unknown paths to not-found', () => {
    expect(parseRoute('#/nope')).toEqual({ page: 'not-found', hash: '#/nope' });
    expect(parseRoute('#/model/%E0%A4%A')).toEqual({ page: 'not-found', hash: '#/model/%E0%A4%A' });
  });
});

describe('hashes', () => {
  it('round-trips options through the URL', () => {
    const options = { seed: 9, truncation: 0.7, cls: 2, count: 1, a: 3, b: 4 };
    const r = parseRoute(modelHash('run 1', options));
    expect(r).toEqual({ page: 'model', name: 'run 1', options, errors: [] });
    expect(parseOptions(localHash(options).split('?')[1] ?? '').options).toEqual(options);
  });

  it('always carries the seed and only the options that differ from the defaults', () => {
    expect(modelHash('g', 3)).toBe('#/model/g?seed=3');
    expect(modelHash('g')).toBe('#/model/g');
    expect(localHash({ truncation: 0.5 })).toBe('#/local?seed=1&trunc=0.5');
  });
});

describe('route table', () => {
  const run = (name: string, onnx: string | null) => ({ name, files: { onnx } }) as unknown as ManifestRun;
  const app = (runs: ManifestRun[]): App => ({
    container: null as unknown as HTMLElement,
    manifest: { runs } as unknown as Manifest,
    go: () => undefined,
    openFile: () => undefined,
    takeEarly: () => undefined,
  });

  it('has one row per page, each with its own page module', () => {
    expect(ROUTES.map((r) => r.page)).toEqual(['index', 'open', 'local', 'compare', 'model']);
    expect(new Set(ROUTES.map((r) => r.module)).size).toBe(ROUTES.length);
  });

  it('sends each hash to the first row that takes it, and the rest to not-found', () => {
    const cases: [string, string][] = [
      ['', 'index'],
      ['#', 'index'],
      ['#/', 'index'],
      ['#/?seed=1', 'not-found'],
      ['#?seed=1', 'not-found'],
      ['#/open', 'open'],
      ['#/open?x=1', 'open'],
      ['#/open/', 'not-found'],
      ['#/local', 'local'],
      ['#/compare?runs=a,b', 'compare'],
      ['#/model/a/', 'model'],
      ['#/model/a/b', 'not-found'],
      ['#/model/', 'not-found'],
    ];
    for (const [hash, page] of cases) expect({ hash, page: parseRoute(hash).page }).toEqual({ hash, page });
  });

  it('keys a run page by its run and generator: new options keep it, an export builds it again', () => {
    const before = app([run('g', null)]);
    const after = app([run('g', 'g/generator.onnx')]);
    expect(matchRoute('#/model/g?seed=1').key(before)).toBe('run:g:');
    expect(matchRoute('#/model/g?seed=2&n=4').key(before)).toBe('run:g:');
    expect(matchRoute('#/model/g?seed=2').key(after)).toBe('run:g:g/generator.onnx');
    // No such run (yet): a page of its own each time, and a live manifest that adds it builds it.
    expect(matchRoute('#/model/h').key(after)).toBeNull();
  });

  it('keys the other pages', () => {
    const a = app([]);
    expect(matchRoute('#/').key(a)).toBe('index');
    expect(matchRoute('#/open').key(a)).toBe('open');
    // Nothing opened: the local page sends the visitor to the open page.
    expect(matchRoute('#/local?seed=3').key(a)).toBeNull();
    expect(matchRoute('#/nope').key(a)).toBeNull();
  });
});
