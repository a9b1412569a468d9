import { describe, expect, it } from 'vitest';
import { epochsDone, formatDuration, runEta } from './progress';

describe('training progress figures', () => {
  it('formats durations rounded once (never 1m60s)', () => {
    expect(formatDuration(119.6)).toBe('2m00s');
    expect(formatDuration(105)).toBe('1m45s');
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(3725)).toBe('1h02m');
  });

  it('estimates the whole run, not the epoch, and caps it by the time budget', () => {
    // 100 steps in 10 s, 900 to go: 90 s.
    expect(runEta({ elapsedSec: 10, stepsDone: 100, stepsLeft: 900 })).toBe('1m30s');
    // The same pace with 25 s of --max-minutes left: the budget ends the run first.
    expect(runEta({ elapsedSec: 10, stepsDone: 100, stepsLeft: 900, budgetLeftSec: 25 })).toBe(
      '25s (time budget)',
    );
    expect(runEta({ elapsedSec: 10, stepsDone: 100, stepsLeft: 900, budgetLeftSec: 600 })).toBe('1m30s');
    expect(runEta({ elapsedSec: 0, stepsDone: 0, stepsLeft: 900 })).toBe('…');
  });

  it('counts a partial epoch as such', () => {
    expect(epochsDone(1, 101, 64)).toBe('2 epochs (the last 37/64 steps)');
    expect(epochsDone(2, 128, 64)).toBe('2 epochs');
    expect(epochsDone(0, 5, 64)).toBe('1 epoch (5/64 steps)');
  });
});
