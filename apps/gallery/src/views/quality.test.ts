import { describe, expect, it } from 'vitest';
import { figureLabel } from './quality';

describe('figureLabel', () => {
  it('gives quality figures their direction and meaning', () => {
    expect(figureLabel('eval.fd')).toMatchObject({ name: 'Fréchet distance (lower is better)' });
    expect(figureLabel('eval.recall')!.name).toContain('(higher is better)');
    expect(figureLabel('eval.recall')!.note).toMatch(/^Share of real images/);
  });

  it('names adaptive augmentation’s p and r_t as the training’s state, with no better direction', () => {
    for (const key of ['augmentP', 'overfitSignal', 'lossD', 'lossG']) {
      const label = figureLabel(key)!;
      expect(label.name, key).not.toMatch(/is better/);
      expect(label.note, key).toBe('');
    }
    expect(figureLabel('augmentP')!.name).toMatch(/^Augmentation p/);
    expect(figureLabel('overfitSignal')!.name).toMatch(/r_t/);
  });

  it('leaves counts and spreads out', () => {
    expect(figureLabel('eval.samples')).toBeNull();
    expect(figureLabel('eval.kidStd')).toBeNull();
  });
});

describe('figureLabel on a key named like an Object method', () => {
  it('reads it as an unknown hook figure, not a training figure', () => {
    expect(figureLabel('constructor')!.name).toMatch(/is better/);
  });
});
