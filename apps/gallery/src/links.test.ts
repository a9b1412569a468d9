import { describe, expect, it } from 'vitest';
import { MAX_SEED, parseSeed } from './links';

describe('parseSeed', () => {
  it('accepts whole numbers in range', () => {
    expect(parseSeed('0')).toEqual({ seed: 0 });
    expect(parseSeed(` ${MAX_SEED} `)).toEqual({ seed: MAX_SEED });
  });
  it('rejects the rest', () => {
    for (const bad of ['', '-1', '1.5', '1e3', String(MAX_SEED + 1)])
      expect(parseSeed(bad)).toHaveProperty('error');
  });
});
