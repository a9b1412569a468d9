import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError, DEFAULTS, parseFlagValues, resolveConfig } from './config';
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
