import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config';
import { dataText, decodeLine, epochsDone, formatDuration, runEta } from './progress';

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

  it('says where the examples are read from, and how a decode is getting on', () => {
    const config = resolveConfig({ flags: { preset: 'dcgan64', dataMemoryMb: 1024 } });
    expect(dataText({ config, data: { where: 'memory', bytes: 48 * 2 ** 20 } })).toBe('in memory: 48 MB');
    expect(dataText({ config, data: { where: 'disk', bytes: 1.2e9 } })).toBe(
      'streamed from disk: 1,144 MB > --data-memory-mb=1024',
    );
    const progress = { total: 100_000, resumed: 0, cache: '/c/k.u8' };
    expect(decodeLine({ ...progress, done: 12_000, perSec: 800 })).toBe(
      'decoded 12,000/100,000 images (12%) · 800 img/s · 1m50s left',
    );
    expect(decodeLine({ ...progress, done: 100_000, perSec: 812.4 })).toBe(
      'decoded 100,000/100,000 images (100%) · 812 img/s',
    );
  });
});
