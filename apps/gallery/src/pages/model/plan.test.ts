import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../links';
import type { GeneratorInfo } from '../../protocol';
import { planSamples } from './plan';

const info = (maxCount: number) =>
  ({ kind: 'image', labelInputName: null, maxCount }) as unknown as GeneratorInfo;

describe('planSamples', () => {
  it('asks for no more samples than the SDK says fit one call, and says so', () => {
    const { plan, problems } = planSamples({ ...DEFAULT_OPTIONS, count: 100 }, info(40), null);
    expect(plan.count).toBe(40);
    expect(problems).toEqual(['100 samples do not fit this model in one call: showing 40']);
  });

  it('keeps a count that fits, and one row per class within the limit', () => {
    expect(planSamples({ ...DEFAULT_OPTIONS, count: 9 }, info(40), null).plan.count).toBe(9);
    const rows = planSamples({ ...DEFAULT_OPTIONS, count: 8 }, info(40), [
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      'i',
      'j',
    ]);
    expect(rows.plan.count).toBe(40);
    expect(rows.plan.rows[0]!.count).toBe(4);
  });
});
