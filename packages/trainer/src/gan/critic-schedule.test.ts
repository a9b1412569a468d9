import { describe, expect, it } from 'vitest';
import { criticSchedule } from './critic-schedule';

/** Critic steps between consecutive generator updates over the first `steps` steps. */
function gaps(schedule: ReturnType<typeof criticSchedule>, steps: number): number[] {
  const out: number[] = [];
  let since = 0;
  for (let s = 0; s < steps; s++) {
    since++;
    if (schedule.isGeneratorStep(s)) {
      out.push(since);
      since = 0;
    }
  }
  return out;
}

describe('criticSchedule', () => {
  it('plain: a generator update every dSteps-th step', () => {
    expect(gaps(criticSchedule(5, false), 50)).toEqual(Array(10).fill(5));
    expect(gaps(criticSchedule(1, false), 4)).toEqual([1, 1, 1, 1]);
  });

  it('boosted: 100 critic steps for the first 25 generator updates and every 500th, else dSteps', () => {
    const g = gaps(criticSchedule(5, true), 25 * 100 + 475 * 5 + 100 + 3 * 5);
    expect(g.slice(0, 25)).toEqual(Array(25).fill(100));
    expect(g.slice(25, 500)).toEqual(Array(475).fill(5));
    expect(g[500]).toBe(100);
    expect(g.slice(501)).toEqual([5, 5, 5]);
  });

  it('gives the same answer for a step whether asked in order or first (as after a resume)', () => {
    const inOrder = criticSchedule(5, true);
    const all = Array.from({ length: 6000 }, (_, s) => inOrder.isGeneratorStep(s));
    for (const start of [0, 99, 2499, 2500, 4873, 5999]) {
      const resumed = criticSchedule(5, true);
      for (let s = start; s < 6000; s += 7) expect(resumed.isGeneratorStep(s)).toBe(all[s]);
    }
  });
});
