import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError, DEFAULTS, parseFlagValues, resolveConfig } from './index';
import { readConfigFile } from './config-file';

describe('config resolution', () => {
  it('applies defaults, then the preset, then the file, then flags', () => {
    const c = resolveConfig({
      file: { epochs: 3, batchSize: 4 },
      flags: { preset: 'gaussian2d', epochs: 5 },
    });
    expect(c.preset).toBe('gaussian2d');
    expect(c.lrD).toBe(0.05); // from the preset
    expect(c.batchSize).toBe(4); // the file beats the preset
    expect(c.epochs).toBe(5); // flags beat the file
    expect(c.initStd).toBe(DEFAULTS.initStd);
  });

  it('refuses an unknown preset and lists the available ones', () => {
    expect(() => resolveConfig({ flags: { preset: 'nope' } })).toThrow(/unknown preset "nope".*gaussian2d/);
  });

  it('refuses unknown keys and wrong types, naming the valid keys', () => {
    expect(() => parseFlagValues({ epoch: '3' })).toThrow(/unknown option --epoch; valid keys: .*epochs/);
    expect(() => parseFlagValues({ epochs: 'many' })).toThrow(ConfigError);
    expect(() => resolveConfig({ flags: { epochs: -1 } })).toThrow(/epochs/);
    expect(parseFlagValues({ hiddenG: '32,64', lrD: '1e-3', dataset: 'x.gz' })).toEqual({
      hiddenG: [32, 64],
      lrD: 0.001,
      dataset: 'x.gz',
    });
  });

  it('validates config files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ epochs: 2 }));
    expect(readConfigFile(good)).toEqual({ epochs: 2 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ epochs: 'two', colour: 1 }));
    expect(() => readConfigFile(bad)).toThrow(/unknown key\(s\) "colour".*valid keys/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"epochs": 2');
    expect(() => readConfigFile(broken)).toThrow(/not valid JSON/);
    expect(() => readConfigFile(join(dir, 'missing.json'))).toThrow(/not found/);
  });
});

describe('2-D runs: the points-mlp model and the 2-D datasets', () => {
  it('takes the playground’s MLP (widths, activation, latent size) and the bundled sets by name', () => {
    const c = resolveConfig({
      flags: parseFlagValues({
        preset: 'points',
        dataset: 'moons',
        hiddenG: '32,16',
        hiddenD: '8',
        activation: 'leakyRelu',
        latentDim: '3',
      }),
    });
    expect(c).toMatchObject({
      model: 'points-mlp',
      dataset: 'moons',
      hiddenG: [32, 16],
      hiddenD: [8],
      activation: 'leakyRelu',
      latentDim: 3,
    });
    expect(resolveConfig({ flags: { preset: 'points' } })).toMatchObject({
      dataset: 'ring8',
      activation: 'relu',
      batchSize: 128,
    });
    for (const dataset of ['gaussian2d', 'ring8', 'grid25', 'line', 'drawn.json', 'pts.CSV']) {
      expect(resolveConfig({ flags: { preset: 'points', dataset } }).dataset).toBe(dataset);
      // The d2l network trains on any 2-D data too.
      expect(resolveConfig({ flags: { preset: 'gaussian2d', dataset } }).model).toBe('gaussian2d');
    }
    expect(() => parseFlagValues({ activation: 'gelu' })).toThrow(
      /--activation must be one of relu, tanh, leakyRelu; got "gelu"/,
    );
  });

  it('refuses 2-D models on images, image models on points, and nets beyond the playground’s limits', () => {
    expect(() => resolveConfig({ flags: { preset: 'points', dataset: 'fashion-mnist-test' } })).toThrow(
      /the points-mlp model trains on 2-D points: pass --dataset=gaussian2d, ring8, .* got "fashion-mnist-test"/,
    );
    expect(() => resolveConfig({ flags: { preset: 'mlp', dataset: 'ring8' } })).toThrow(
      /the dataset "ring8" is 2-D points: train it with --model=gaussian2d or --model=points-mlp/,
    );
    expect(() => resolveConfig({ flags: { preset: 'points', hiddenG: [64, 600] } })).toThrow(
      /--hiddenG of the points-mlp model takes at most 6 hidden layers of 1 to 512 units \(got 64,600\)/,
    );
    expect(() => resolveConfig({ flags: { preset: 'points', hiddenD: [8, 8, 8, 8, 8, 8, 8] } })).toThrow(
      /--hiddenD .* at most 6 hidden layers/,
    );
    expect(() => resolveConfig({ flags: { preset: 'points', latentDim: 100 } })).toThrow(
      /--latentDim of the points-mlp model is 1 to 64 \(got 100\)/,
    );
    expect(() => resolveConfig({ flags: { preset: 'points', conditional: true } })).toThrow(
      /--conditional=true needs model mlp or dcgan64/,
    );
  });
});

describe('small-data settings: augmentation and R1', () => {
  const oneLine = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).not.toContain('\n');
      return (e as Error).message;
    }
    throw new Error('not refused');
  };

  it('reads --augment as a list, --augment-p as a probability or auto, and the R1 keys', () => {
    const c = resolveConfig({
      flags: parseFlagValues({
        augment: 'translation, cutout,color',
        augmentP: 'auto',
        augmentTarget: '0.7',
        r1: '10',
        r1Every: '16',
      }),
    });
    expect(c).toMatchObject({
      augment: ['translation', 'cutout', 'color'],
      augmentP: 'auto',
      augmentTarget: 0.7,
      augmentSpeed: DEFAULTS.augmentSpeed,
      r1: 10,
      r1Every: 16,
    });
    expect(parseFlagValues({ augment: 'none', augmentP: '0.25' })).toEqual({ augment: [], augmentP: 0.25 });
    expect(resolveConfig({ flags: { augment: ['color'], augmentP: 0.25 } }).augmentP).toBe(0.25);
    // Defaults: no augmentation (p 1 once named), no R1.
    expect(DEFAULTS).toMatchObject({ augment: [], augmentP: 1, augmentTarget: 0.6, r1: 0, r1Every: 1 });
  });

  it('refuses bad values in one line before any work', () => {
    expect(oneLine(() => parseFlagValues({ augment: 'translation,flip' }))).toMatch(
      /--augment takes translation, cutout, color \(comma-separated\) or none; got "flip"/,
    );
    expect(oneLine(() => resolveConfig({ flags: { augment: ['color'], augmentP: 1.5 } }))).toMatch(
      /augmentP .*probability in \[0, 1\] or "auto"/,
    );
    expect(
      oneLine(() => resolveConfig({ flags: parseFlagValues({ augment: 'color', augmentP: '-0.1' }) })),
    ).toMatch(/augmentP/);
    expect(oneLine(() => resolveConfig({ flags: { augmentP: 'auto' } }))).toMatch(
      /--augmentP=auto sets how often --augment's augmentations apply: name them/,
    );
    expect(oneLine(() => resolveConfig({ flags: { r1: -1 } }))).toMatch(/^r1 in the configuration/);
    expect(oneLine(() => resolveConfig({ flags: { r1: 1, r1Every: 0 } }))).toMatch(
      /^r1Every in the configuration/,
    );
    expect(oneLine(() => resolveConfig({ flags: { preset: 'points', augment: ['color'] } }))).toMatch(
      /--augment works on images; the points-mlp model trains on 2-D points/,
    );
  });

  it('takes R1 with every loss but an unconstrained Wasserstein critic', () => {
    for (const loss of ['minimax', 'non-saturating', 'least-squares', 'hinge'] as const) {
      expect(resolveConfig({ flags: { loss, r1: 1 } }).r1).toBe(1);
    }
    expect(oneLine(() => resolveConfig({ flags: { loss: 'wasserstein', r1: 1 } }))).toMatch(
      /--r1 holds the critic only at real data: with --loss=wasserstein add --gradientPenalty or --clipValue/,
    );
    expect(resolveConfig({ flags: { preset: 'wgan-gp', r1: 1 } }).r1).toBe(1);
    expect(resolveConfig({ flags: { preset: 'wgan', r1: 1 } }).r1).toBe(1);
  });
});
