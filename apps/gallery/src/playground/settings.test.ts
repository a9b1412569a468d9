import {
  MAX_DRAWN_POINTS as TRAINER_MAX_DRAWN,
  POINTS_MLP_LIMITS as TRAINER_LIMITS,
} from '@ganforge/trainer/browser';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  IMAGE_DEFAULTS,
  liveChanges,
  MAX_DRAWN_POINTS,
  parseHash,
  POINTS_MLP_LIMITS,
  PRESETS,
  SettingsError,
  toHash,
} from './settings';

describe('playground settings in the URL hash', () => {
  it('round-trips every preset and a drawing through the hash', () => {
    for (const p of Object.values(PRESETS)) {
      const s = { ...DEFAULT_SETTINGS, ...p.settings };
      expect(parseHash(toHash(s))).toEqual(s);
    }
    const drawn = { ...DEFAULT_SETTINGS, dataset: 'drawn' as const, drawn: [0.5, -1.25, 2, 2.001] };
    expect(toHash(drawn)).toContain('drawn=0.5,-1.25,2,2.001');
    expect(parseHash(toHash(drawn))).toEqual(drawn);
  });

  it('keeps default settings out of the link', () => {
    expect(toHash(DEFAULT_SETTINGS)).toBe('#');
    expect(toHash({ ...DEFAULT_SETTINGS, seed: 7 })).toBe('#seed=7');
  });

  it('refuses bad links with what was wrong and what is allowed', () => {
    const bad = (hash: string) => () => parseHash(hash);
    expect(bad('#loss=hinge')).toThrow(/loss="hinge": use one of minimax, non-saturating/);
    expect(bad('#colour=red')).toThrow(/unknown setting "colour"/);
    expect(bad('#hiddenG=64,abc')).toThrow(/hiddenG="64,abc": give up to 6 comma-separated layer widths/);
    expect(bad('#lrD=0')).toThrow(/lrD=0: must be a number from 0.000001 to 1/);
    expect(bad('#seed=abc')).toThrow(/seed="abc": give a number, e.g. 1/);
    expect(bad('#batchSize=3.5')).toThrow(/batchSize=3.5: must be a whole number/);
    expect(bad('#drawn=1,2,3')).toThrow(/drawn: give x,y pairs/);
    expect(bad('#model=d2l&dataset=ring8')).toThrow(/use dataset=gaussian2d or model=mlp/);
    expect(bad('#preset=nope')).toThrow(SettingsError);
  });

  it('refuses names of Object.prototype and huge links in a few words', () => {
    const message = (hash: string) => {
      try {
        parseHash(hash);
      } catch (e) {
        expect(e).toBeInstanceOf(SettingsError);
        return (e as Error).message;
      }
      throw new Error(`${hash.slice(0, 30)} was accepted`);
    };
    expect(message('#toString=1')).toMatch(/unknown setting "toString"/);
    expect(message('#__proto__=1')).toMatch(/unknown setting "__proto__"/);
    expect(message('#preset=constructor')).toMatch(/preset="constructor": use one of/);
    expect(message('#preset=__proto__')).toMatch(/preset="__proto__": use one of/);
    const long = message(`#seed=${'9'.repeat(5000)}x`);
    expect(long).toMatch(/seed="9{40}… \(5001 characters\)"/);
    expect(long.length).toBeLessThan(300);
    const huge = message(`#drawn=${'1,'.repeat(600_000)}`);
    expect(huge).toMatch(/1,200,0\d\d characters long; the playground reads links up to 100,000/);
    const many = message(`#${Array.from({ length: 50 }, (_, i) => `k${i}=1`).join('&')}`);
    expect(many).toMatch(/and 44 more\.$/);
    expect(many.length).toBeLessThan(2000);
  });

  it('keeps image mode in the link, against its own defaults', () => {
    expect(toHash(IMAGE_DEFAULTS)).toBe('#mode=images');
    expect(parseHash('#mode=images')).toEqual(IMAGE_DEFAULTS);
    const mlp = { ...IMAGE_DEFAULTS, imageModel: 'mlp' as const, images: 500, seed: 4 };
    expect(toHash(mlp)).toBe('#mode=images&imageModel=mlp&images=500&seed=4');
    expect(parseHash(toHash(mlp))).toEqual(mlp);
    expect(() => parseHash('#mode=images&images=20000')).toThrow(
      /images=20000: must be a whole number from 500 to 5000/,
    );
    expect(() => parseHash('#latentDim=100')).toThrow(
      /latentDim=100: 2-D mode takes a latent size from 1 to 64/,
    );
    expect(() => parseHash('#mode=images&imageModel=resnet')).toThrow(
      /imageModel="resnet": use one of mlp, dcgan28/,
    );
  });

  it('uses the limits the trainer enforces', () => {
    expect(POINTS_MLP_LIMITS).toEqual(TRAINER_LIMITS);
    expect(MAX_DRAWN_POINTS).toBe(TRAINER_MAX_DRAWN);
  });

  it('carries the noise in the link, and knows which changes a run takes live', () => {
    const uniform = { ...DEFAULT_SETTINGS, noise: 'uniform' as const, latentDim: 1 };
    expect(toHash(uniform)).toBe('#latentDim=1&noise=uniform');
    expect(parseHash(toHash(uniform))).toEqual(uniform);
    expect(() => parseHash('#noise=cauchy')).toThrow(/noise="cauchy": use one of gaussian, uniform/);
    expect(() => parseHash('#mode=images&noise=uniform')).toThrow(/image mode trains on Gaussian noise only/);
    const base = DEFAULT_SETTINGS;
    expect(liveChanges(base, { ...base, lrD: 0.01, loss: 'least-squares' })).toEqual(['loss', 'lrD']);
    expect(liveChanges(base, { ...base, optimizer: 'rmsprop', noise: 'uniform' })).toEqual([
      'noise',
      'optimizer',
    ]);
    expect(liveChanges(base, { ...base, lrD: 0.01, seed: 2 })).toBeNull();
    expect(liveChanges(base, { ...base, latentDim: 1 })).toBeNull();
    expect(liveChanges(base, base)).toBeNull();
  });
});
