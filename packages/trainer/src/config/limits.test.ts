import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from './index';
import { checkModelSize, estimateParameters } from './limits';

describe('sizes that allocate are bounded when the config is read', () => {
  it.each([
    [{ latentDim: 10_000_000 }, /--latent-dim is at most 4096 \(got 10000000\)/],
    [{ batchSize: 1_000_000 }, /--batch-size is at most 4096 \(got 1000000\)/],
    [{ hiddenG: [256, 1_000_000] }, /--hidden-g takes widths of at most 16384 \(got 1000000\)/],
    [{ hiddenD: Array(40).fill(8) }, /--hidden-d takes at most 16 hidden layers \(got 40\)/],
    [{ filtersG: 100_000 }, /--filters-g is at most 1024 \(got 100000\)/],
    [{ filtersD: 5000 }, /--filters-d is at most 1024/],
    [{ imageSize: 100_000 }, /--image-size is at most 1024 \(got 100000\)/],
    [{ embedDim: 1e6 }, /--embed-dim is at most 4096/],
  ])('refuses %j in one line that says the limit', (flags, message) => {
    let err: Error | undefined;
    try {
      resolveConfig({ flags: { preset: 'mlp', ...flags } });
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(message);
    expect(err!.message).not.toContain('\n');
  });

  it('bounds the networks those sizes make once the data shape is known', () => {
    const wide = resolveConfig({ flags: { preset: 'mlp', hiddenG: [16384, 16384] } });
    const params = estimateParameters(wide, [28, 28, 1], 0);
    expect(params.generator).toBeGreaterThan(16384 * 16384);
    expect(() => checkModelSize(wide, [28, 28, 1], 0)).toThrow(
      /the generator would have about 2\.8e\+8 weights, more than the 1\.0e\+8 a run can hold: lower --hidden-g/,
    );
    const big = resolveConfig({
      flags: { preset: 'dcgan64', filtersG: 1024, filtersD: 1024, imageSize: 256 },
    });
    expect(() => checkModelSize(big, [256, 256, 3], 0)).toThrow(/weights, more than .* lower --filters-/);
    // The presets fit, with room.
    for (const preset of ['tiny', 'mlp', 'dcgan28', 'dcgan64', 'cgan', 'fashion']) {
      const c = resolveConfig({ flags: { preset } });
      const shape: [number, number, number] = c.model === 'dcgan64' ? [64, 64, 3] : [28, 28, 1];
      expect(() => checkModelSize(c, shape, 10)).not.toThrow();
    }
  });
});
