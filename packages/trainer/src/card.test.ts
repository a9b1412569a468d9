import { describe, expect, it } from 'vitest';
import { packageVersions, reproduceCommand, reproduceText } from './card';
import { parseFlagValues, resolveConfig, type TrainConfig } from './config';

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

/** What the trainer's CLI resolves the command to: its --key=value flags, typed, over the preset. */
function resolveCommand(command: string): TrainConfig {
  const argv = words(command);
  expect(argv.slice(0, 5)).toEqual(['npx', 'nx', 'run', 'trainer:train', '--']);
  const flags: Record<string, string> = {};
  for (const arg of argv.slice(5)) {
    const m = /^--([A-Za-z]+)=(.*)$/s.exec(arg);
    if (!m) throw new Error(`not a --key=value flag: ${arg}`);
    flags[m[1]!] = m[2]!;
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
    expect(reproduceCommand(config)).toBe('npx nx run trainer:train -- --preset=mlp --seed=1 --epochs=3');
  });

  it('records the versions the run was trained with', () => {
    const versions = packageVersions();
    expect(versions['@ganforge/trainer']).toMatch(/^\d+\.\d+\.\d+/);
    expect(versions['@tensorflow/tfjs']).toMatch(/^\d+\.\d+\.\d+/);
    expect(versions['node']).toBe(process.versions.node);
    const [command, note] = reproduceText(resolveConfig({ flags: { preset: 'tiny' } })).split('\n');
    expect(command).toBe('npx nx run trainer:train -- --preset=tiny --seed=1');
    expect(note).toContain(`@tensorflow/tfjs ${versions['@tensorflow/tfjs']}`);
    expect(note).toMatch(/^# trained with /);
  });
});
