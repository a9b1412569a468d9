import { isKebabFlag } from '@ganforge/contracts';
import { describe, expect, it } from 'vitest';
import { packageVersions, reproduceCommand, reproduceText } from './card';
import { trainCommand } from '../cli/train';
import { flagOf } from '../cli/flag-names';
import { CONFIG_KEYS, parseFlagValues, resolveConfig, type TrainConfig } from '../config';

/** Splits a command line as a POSIX shell would for the quoting reproduceCommand uses ('…'). */
function words(line: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (ch === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (ch === ' ') {
      if (word !== null) out.push(word);
      word = null;
    } else word = (word ?? '') + ch;
  }
  if (word !== null) out.push(word);
  return out;
}

/**
 * What the trainer's CLI resolves the command to: every argument a kebab-case `--flag=value` that the
 * train command itself accepts (parsed by it, with its action replaced), mapped back to its config key
 * and typed, over the preset.
 */
function resolveCommand(command: string): TrainConfig {
  const argv = words(command);
  expect(argv.slice(0, 3)).toEqual(['npx', 'ganforge', 'train']);
  const cmd = trainCommand().exitOverride();
  let parsed: Record<string, unknown> | undefined;
  cmd.action((opts: Record<string, unknown>) => void (parsed = opts));
  cmd.parse(argv.slice(3), { from: 'user' });
  expect(parsed).toBeDefined();
  const keyOf = new Map(CONFIG_KEYS.map((k) => [flagOf(k), k]));
  const flags: Record<string, string> = {};
  for (const arg of argv.slice(3)) {
    const m = /^(--[^=]+)=(.*)$/s.exec(arg);
    if (!m) throw new Error(`not a --flag=value argument: ${arg}`);
    expect(isKebabFlag(m[1]!), `${m[1]} is kebab-case`).toBe(true);
    const key = keyOf.get(m[1]!.slice(2));
    if (!key) throw new Error(`no config key has the flag ${m[1]}`);
    flags[key] = m[2]!;
  }
  return resolveConfig({ flags: parseFlagValues(flags) });
}

const withoutOut = ({ out: _out, ...rest }: TrainConfig) => rest;

describe('the model card reproduce command', () => {
  it.each([
    ['a preset alone', { preset: 'gaussian2d' }],
    [
      'every kind of flag',
      {
        preset: 'mlp',
        model: 'dcgan28',
        epochs: 3,
        maxMinutes: 2,
        hiddenG: [32, 64],
        lrD: 1e-3,
        conditional: false,
        loss: 'hinge',
        dataset: "/data/my flowers/it's here",
        labels: '/data/labels-idx1-ubyte.gz',
        limit: 512,
        seed: 9,
      },
    ],
    ['a time budget turned off', { preset: 'fashion', maxMinutes: 0, evalEvery: 0 }],
  ] as [string, Partial<TrainConfig>][])('resolves to the same config: %s', (_name, flags) => {
    const config = resolveConfig({ flags: { ...flags, out: '/tmp/somewhere' } });
    const command = reproduceCommand(config);
    expect(withoutOut(resolveCommand(command))).toEqual(withoutOut(config));
    expect(command).not.toContain('--out');
  });

  it('names only what differs from the preset', () => {
    const config = resolveConfig({ flags: { preset: 'mlp', model: 'mlp', epochs: 3 } });
    expect(reproduceCommand(config)).toBe('npx ganforge train --preset=mlp --seed=1 --epochs=3');
  });

  it('spells flags as the CLI does: kebab-case, --arch for the model', () => {
    const config = resolveConfig({
      flags: { preset: 'mlp', model: 'dcgan28', latentDim: 32, maxMinutes: 2, lrD: 1e-3 },
    });
    expect(reproduceCommand(config)).toBe(
      'npx ganforge train --preset=mlp --seed=1 --arch=dcgan28 --latent-dim=32 --lr-d=0.001 --max-minutes=2',
    );
  });

  it('records the versions the run was trained with', () => {
    const versions = packageVersions();
    expect(versions['@ganforge/trainer']).toMatch(/^\d+\.\d+\.\d+/);
    expect(versions['@tensorflow/tfjs']).toMatch(/^\d+\.\d+\.\d+/);
    expect(versions['node']).toBe(process.versions.node);
    const [command, note] = reproduceText(resolveConfig({ flags: { preset: 'tiny' } })).split('\n');
    expect(command).toBe('npx ganforge train --preset=tiny --seed=1');
    expect(note).toContain(`@tensorflow/tfjs ${versions['@tensorflow/tfjs']}`);
    expect(note).toMatch(/^# trained with /);
  });
});
