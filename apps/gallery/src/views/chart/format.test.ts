import { describe, expect, it } from 'vitest';
import { align, fileStem, interpolateWall, smooth, toCsv, toJson } from './data';
import { decimalsFor, formatValue, INTEGER_INCRS, logTickLabel, tickLabel, timeUnit } from './format';

describe('chart numbers', () => {
  it('labels ticks with the decimals their spacing needs, whole numbers on integer axes', () => {
    expect(decimalsFor(0.25)).toBe(2);
    expect(decimalsFor(0.1)).toBe(1);
    expect(decimalsFor(5)).toBe(0);
    expect(tickLabel(0.9, 0.025)).toBe('0.900');
    expect(tickLabel(1.5, 0.5)).toBe('1.5');
    expect(tickLabel(2000, 500)).toBe('2,000');
    expect(tickLabel(12500, 2500, true)).toBe('12,500');
    expect(logTickLabel(0.01)).toBe('0.01');
    expect(logTickLabel(3000)).toBe('3000');
    // An integer axis never ticks between whole numbers.
    expect(INTEGER_INCRS.every((v) => Number.isInteger(v))).toBe(true);
    expect(INTEGER_INCRS.slice(0, 3)).toEqual([1, 2, 5]);
  });

  it('writes counts whole and other values to three figures', () => {
    expect(formatValue(9, true)).toBe('9');
    expect(formatValue(9)).toBe('9.00');
    expect(formatValue(0.08213)).toBe('0.0821');
    expect(formatValue(123.456)).toBe('123.5');
    expect(formatValue(null)).toBe('n/a');
    expect(timeUnit(90)).toEqual({ seconds: 1, name: 's' });
    expect(timeUnit(600)).toEqual({ seconds: 60, name: 'min' });
    expect(timeUnit(20_000)).toEqual({ seconds: 3600, name: 'h' });
  });
});

describe('chart data', () => {
  it('aligns series on the union of their x values and smooths with bias correction', () => {
    expect(
      align([
        { x: [1, 3], y: [10, 30] },
        { x: [2, 3], y: [20, null] },
      ]),
    ).toEqual({
      xs: [1, 2, 3],
      ys: [
        [10, null, 30],
        [null, 20, null],
      ],
    });
    expect(smooth([1, 1, 1], 0.9).map((v) => v?.toFixed(6))).toEqual(['1.000000', '1.000000', '1.000000']);
    expect(smooth([1, null, 3], 0)).toEqual([1, null, 3]);
  });

  it('puts wall time on steps between the epochs’ records', () => {
    const known = [
      { step: 100, seconds: 10 },
      { step: 200, seconds: 30 },
    ];
    expect(interpolateWall([0, 50, 100, 150, 200, 300], known)).toEqual([0, 5, 10, 20, 30, 50]);
  });

  it('writes CSV and JSON that say what the columns are', () => {
    const series = [
      { label: 'D', color: '#000', x: [1, 2], y: [0.5, 0.25], wall: [1.5, 3] },
      { label: 'G, raw', color: '#111', x: [2], y: [1], wall: [3] },
    ];
    expect(toCsv('step', series)).toBe(
      'step,D,"G, raw",D wall time (s),"G, raw wall time (s)"\n1,0.5,,1.5,\n2,0.25,1,3,3\n',
    );
    const json = JSON.parse(toJson('Loss', { x: 'step', y: 'loss' }, series, { targets: [] }));
    expect(json).toMatchObject({
      title: 'Loss',
      x: 'step',
      y: 'loss',
      series: [{ label: 'D', x: [1, 2], y: [0.5, 0.25], wallSeconds: [1.5, 3] }, { label: 'G, raw' }],
    });
    expect(fileStem('Loss per step')).toBe('loss-per-step');
    expect(fileStem('D’s real-sign signal r_t')).toBe('ds-real-sign-signal-r-t');
  });
});
