import { describe, expect, it } from 'vitest';
import { MAX_SEED, modelHash, parseRoute, parseSeed } from './router';

describe('parseRoute', () => {
  it('maps an empty hash and #/ to the index', () => {
    expect(parseRoute('')).toEqual({ page: 'index' });
    expect(parseRoute('#/')).toEqual({ page: 'index' });
  });

  it('reads the model name and seed', () => {
    expect(parseRoute('#/model/gauss-1?seed=7')).toEqual({
      page: 'model',
      name: 'gauss-1',
      seed: 7,
      seedError: null,
    });
    expect(parseRoute('#/model/gauss-1')).toEqual({
      page: 'model',
      name: 'gauss-1',
      seed: null,
      seedError: null,
    });
  });

  it('round-trips names that need escaping', () => {
    const name = 'a b/c?d';
    expect(parseRoute(modelHash(name, 3))).toEqual({ page: 'model', name, seed: 3, seedError: null });
  });

  it('reports a bad seed instead of guessing one', () => {
    for (const bad of ['-1', '1.5', 'abc', String(MAX_SEED + 1), '']) {
      const r = parseRoute(`#/model/x?seed=${bad}`);
      expect(r.page).toBe('model');
      if (r.page === 'model') {
        expect(r.seed).toBeNull();
        expect(r.seedError).toContain('whole number');
      }
    }
  });

  it('sends unknown paths to not-found', () => {
    expect(parseRoute('#/nope').page).toBe('not-found');
    expect(parseRoute('#/model/').page).toBe('not-found');
    expect(parseRoute('#/model/%E0%A4%A').page).toBe('not-found');
  });
});

describe('parseSeed', () => {
  it('accepts the bounds', () => {
    expect(parseSeed('0')).toEqual({ seed: 0 });
    expect(parseSeed(` ${MAX_SEED} `)).toEqual({ seed: MAX_SEED });
  });
});
