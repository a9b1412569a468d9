import { describe, expect, it } from 'vitest';
import { isKebabFlag, kebabCase, kebabFlags } from './flags';

describe('the flag convention', () => {
  it('rewrites camelCase long options to kebab-case, leaving values, short options and -- alone', () => {
    expect(
      kebabFlags([
        'train',
        '--latentDim=8',
        '--maxMinutes',
        '2',
        '--lrD',
        '1e-4',
        '-n',
        '4',
        '--out=runs/myRun',
        '--',
        '--keepMe',
      ]),
    ).toEqual([
      'train',
      '--latent-dim=8',
      '--max-minutes',
      '2',
      '--lr-d',
      '1e-4',
      '-n',
      '4',
      '--out=runs/myRun',
      '--',
      '--keepMe',
    ]);
    expect(kebabFlags(['--noVerify', '--fp16', '--already-kebab'])).toEqual([
      '--no-verify',
      '--fp16',
      '--already-kebab',
    ]);
  });

  it('names', () => {
    expect(kebabCase('adamBeta1')).toBe('adam-beta1');
    expect(isKebabFlag('--latent-dim')).toBe(true);
    expect(isKebabFlag('--latentDim')).toBe(false);
    expect(isKebabFlag('--latent_dim')).toBe(false);
  });
});
