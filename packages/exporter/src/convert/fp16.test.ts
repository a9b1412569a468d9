import { describe, expect, it } from 'vitest';
import { float16Bits, float16Value } from './fp16';

describe('float16Bits', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [65504, 0x7bff], // largest finite half
    [65520, 0x7c00], // rounds up to infinity
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway to it: ties to even (zero)
    [3 * 2 ** -25, 0x0002], // 1.5 ulp: ties to even (2)
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: ties to even
    [1 + 3 * 2 ** -11, 0x3c02],
  ])('%d -> 0x%s', (value, bits) => {
    expect(float16Bits(value)).toBe(bits);
  });

  it('NaN stays NaN', () => {
    expect(Number.isNaN(float16Value(float16Bits(NaN)))).toBe(true);
  });

  it('every representable half round-trips exactly, and others land within half an ulp', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x7c00; bits++) if (float16Bits(float16Value(bits)) !== bits) wrong.push(bits);
    expect(wrong).toEqual([]);
    let seed = 5;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround((next() - 0.5) * 2 ** (Math.floor(next() * 30) - 14));
      const back = float16Value(float16Bits(x));
      const ulp = Math.max(2 ** (Math.floor(Math.log2(Math.abs(x))) - 10), 2 ** -24);
      if (Math.abs(back - x) > ulp / 2) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });
});
