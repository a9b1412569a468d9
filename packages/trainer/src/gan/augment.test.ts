import seedrandom from 'seedrandom';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config';
import { buildModels } from '../models';
import { AdaptiveAugment } from './ada';
import {
  augmentTfjs,
  cutoutMask,
  cutoutSize,
  drawAugment,
  identityAugment,
  maxShift,
  shiftMatrices,
  type AugmentParams,
} from './augment';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 6;
const [H, W, C] = [12, 10, 3];

function images(seed: string): Float32Array {
  const r = seedrandom.alea(seed);
  return Float32Array.from({ length: B * H * W * C }, () => r() * 2 - 1);
}

const at = (x: Float32Array, b: number, i: number, j: number, c: number) => x[((b * H + i) * W + j) * C + c]!;

const run = (x: Float32Array, names: Parameters<typeof augmentTfjs>[2], p: AugmentParams) =>
  tf.tidy(() => augmentTfjs(tf, tf.tensor4d(x, [B, H, W, C]), names, p).dataSync() as Float32Array);

describe("DiffAugment's parameters", () => {
  it('are drawn from the step seed: the same per seed, in their ranges, identity where not kept', () => {
    const a = drawAugment(7, B, [H, W, C], 1);
    expect(drawAugment(7, B, [H, W, C], 1)).toEqual(a);
    expect(drawAugment(8, B, [H, W, C], 1)).not.toEqual(a);
    for (const p of [a.real, a.fake, a.fakeG]) {
      for (let b = 0; b < B; b++) {
        expect(Math.abs(p.shiftY[b]!)).toBeLessThanOrEqual(maxShift(H));
        expect(Math.abs(p.shiftX[b]!)).toBeLessThanOrEqual(maxShift(W));
        expect(p.cutY[b]).toBeGreaterThanOrEqual(0);
        expect(p.cutY[b]).toBeLessThanOrEqual(H);
        expect(p.brightness[b]).toBeGreaterThanOrEqual(-0.5);
        expect(p.brightness[b]).toBeLessThan(0.5);
        expect(p.saturation[b]).toBeGreaterThanOrEqual(0);
        expect(p.saturation[b]).toBeLessThan(2);
        expect(p.contrast[b]).toBeGreaterThanOrEqual(0.5);
        expect(p.contrast[b]).toBeLessThan(1.5);
      }
    }
    expect(maxShift(28)).toBe(4);
    expect(cutoutSize(28)).toBe(14);
    const none = drawAugment(7, B, [H, W, C], 0);
    expect(none.real).toEqual(identityAugment(B, H, W));
    // An example p keeps has the parameters it would have had at p = 1: p does not shift the draws.
    const half = drawAugment(7, B, [H, W, C], 0.5);
    const kept = [...half.fake.cut.keys()].filter((b) => half.fake.cut[b]);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(B);
    for (const b of kept) expect(half.fake.contrast[b]).toBe(a.fake.contrast[b]);
  });
});

describe('DiffAugment on TF.js tensors follows its definition', () => {
  const x = images('x');
  const p = drawAugment(3, B, [H, W, C], 1).real;

  it('translation: out[i, j] = x[i + ty, j + tx], zero outside; as shift matrices Ty·x·Txᵀ too', () => {
    const y = run(x, ['translation'], p);
    const ty = shiftMatrices(p.shiftY, H);
    const txT = shiftMatrices(p.shiftX, W, true);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          for (let c = 0; c < C; c++) {
            const [si, sj] = [i + p.shiftY[b]!, j + p.shiftX[b]!];
            const inside = si >= 0 && si < H && sj >= 0 && sj < W;
            const want = inside ? at(x, b, si, sj, c) : 0;
            expect(at(y, b, i, j, c)).toBe(want);
            let viaMatrices = 0;
            for (let k = 0; k < H; k++) {
              for (let l = 0; l < W; l++) {
                viaMatrices += ty[(b * H + i) * H + k]! * at(x, b, k, l, c) * txT[(b * W + l) * W + j]!;
              }
            }
            expect(viaMatrices).toBe(want);
          }
        }
      }
    }
    expect(p.shiftY.some((s) => s !== 0)).toBe(true);
  });

  it('cutout: a square of half the size centred at the drawn point, clipped at the edges, is zero', () => {
    const y = run(x, ['cutout'], p);
    const mask = cutoutMask(p);
    const [ch, cw] = [cutoutSize(H), cutoutSize(W)];
    for (let b = 0; b < B; b++) {
      let zeros = 0;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const dy = i - (p.cutY[b]! - Math.floor(ch / 2));
          const dx = j - (p.cutX[b]! - Math.floor(cw / 2));
          const cut = dy >= 0 && dy < ch && dx >= 0 && dx < cw;
          expect(mask[(b * H + i) * W + j]).toBe(cut ? 0 : 1);
          for (let c = 0; c < C; c++) expect(at(y, b, i, j, c) + 0).toBe(cut ? 0 : at(x, b, i, j, c));
          if (cut) zeros++;
        }
      }
      expect(zeros).toBeGreaterThan(0);
      expect(zeros).toBeLessThanOrEqual(ch * cw);
    }
  });

  it('color: brightness, then saturation around the channel mean, then contrast around the image mean', () => {
    const y = run(x, ['color'], p);
    for (let b = 0; b < B; b++) {
      const bright = Array.from({ length: H * W * C }, (_, k) => x[b * H * W * C + k]! + p.brightness[b]!);
      const sat = bright.map((v, k) => {
        const pixel = k - (k % C);
        const m = (bright[pixel]! + bright[pixel + 1]! + bright[pixel + 2]!) / 3;
        return (v - m) * p.saturation[b]! + m;
      });
      const mu = sat.reduce((s, v) => s + v, 0) / sat.length;
      sat.forEach((v, k) => {
        expect(y[b * H * W * C + k]).toBeCloseTo((v - mu) * p.contrast[b]! + mu, 5);
      });
    }
  });

  it('is the identity with identity parameters', () => {
    const y = run(x, ['translation', 'cutout', 'color'], identityAugment(B, H, W));
    y.forEach((v, k) => expect(v).toBeCloseTo(x[k]!, 6));
  });
});

describe('adaptive augmentation', () => {
  const settings = { adaptive: true, target: 0.6, speed: 0.02 };

  it('moves p by ±speed per 1,000 images towards the target, kept in [0, 1]', () => {
    const ada = new AdaptiveAugment(settings, { p: 0, signalSum: 0, signalCount: 0 });
    ada.add({ sum: 50, count: 64 });
    ada.update({ sum: 50, count: 64 });
    expect(ada.overfitSignal).toBeCloseTo(100 / 128);
    expect(ada.p).toBeCloseTo((128 * 0.02) / 1000);
    ada.update({ sum: -256, count: 256 });
    expect(ada.overfitSignal).toBe(-1);
    expect(ada.p).toBe(0);
    const high = new AdaptiveAugment(settings, { p: 0.999, signalSum: 0, signalCount: 0 });
    high.update({ sum: 256, count: 256 });
    expect(high.p).toBe(1);
  });

  it('keeps a fixed p, and gives its state back as a checkpoint keeps it', () => {
    const fixed = new AdaptiveAugment(
      { ...settings, adaptive: false },
      { p: 0.3, signalSum: 0, signalCount: 0 },
    );
    fixed.update({ sum: 10, count: 16 });
    expect(fixed.p).toBe(0.3);
    fixed.add({ sum: 3, count: 16 });
    expect(fixed.state()).toEqual({ p: 0.3, signalSum: 3, signalCount: 16, overfitSignal: 10 / 16 });
    const again = new AdaptiveAugment({ ...settings, adaptive: false }, fixed.state());
    again.update({ sum: 1, count: 16 });
    expect(again.overfitSignal).toBe(4 / 32);
  });
});

describe('the critic of augmented images', () => {
  // A critic with BatchNorm judges each image against the batch it came in, which with DiffAugment is
  // all real or all generated and spread by the augmentation: it trains without (models/common.ts).
  it.each([
    ['fashion', [28, 28, 1]],
    ['dcgan64', [16, 16, 3]],
    ['rdcgan80', [80, 80, 3]],
  ] as const)('%s: judges each image on its own with --augment, against its batch without', (preset, shape) => {
    for (const augment of [[], ['translation']] as const) {
      const config = resolveConfig({
        flags: { preset, augment: [...augment], imageSize: shape[0], filtersG: 8, filtersD: 8 },
      });
      const { generator, discriminator } = buildModels(tf, config, { shape: [...shape] });
      const n = 4 * shape[0] * shape[1] * shape[2];
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
      // The same batch with its first image replaced.
      const other = x.map((v, i) => (i < n / 4 ? -v : v));
      const judge = (v: Float32Array) =>
        tf.tidy(() => {
          const out = discriminator.apply(tf.tensor4d(v, [4, ...shape]), { training: true }) as tf.Tensor;
          return Array.from(out.dataSync()).slice(1);
        });
      const [a, b] = [judge(x), judge(other)];
      const moved = a.some((v, i) => Math.abs(v - b[i]!) > 1e-6);
      expect(moved, `${preset} ${augment.length ? 'with' : 'without'} --augment`).toBe(augment.length === 0);
      generator.dispose();
      discriminator.dispose();
    }
  });
});
