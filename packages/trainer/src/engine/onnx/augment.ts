/**
 * DiffAugment in the compiled step (gan/augment.ts defines it and draws its parameters on the host).
 * Each of the step's three augmented batches — D's real and generated ones, G's generated one — takes
 * its parameters as graph inputs, and given them every augmentation is affine in the image (NCHW):
 *
 * - colour: x + b, then the saturation S(x) = (x − m(x))·s + m(x), m the mean over the channels, then
 *   the contrast K(x) = (x − μ(x))·c + μ(x), μ the image's mean; S and K are symmetric (sI + (1 − s)P
 *   with P a mean, itself symmetric), so their transposes are themselves;
 * - translation: Ty · x · Txᵀ per channel, Ty and Tx per-example shift matrices; transposed, Tyᵀ · g · Tx;
 * - cutout: x ⊙ mask, its own transpose.
 *
 * So G's gradient through the augmentation is the transposed chain in reverse order (`adjoint`), and
 * R1's second-order pass, which needs the augmentation's Jacobian applied to a direction, runs the
 * chain without the brightness offset (`linear`).
 */
import {
  AUGMENT_PASSES,
  cutoutMask,
  shiftMatrices,
  type AugmentName,
  type AugmentParams,
  type AugmentPass,
} from '../../gan/augment';
import type { Graph } from './graph';

export interface AugmentInput {
  name: string;
  shape: number[];
}

/** The input names of one pass's parameters. */
const names = (pass: AugmentPass) => ({
  ty: `aug.${pass}.ty`,
  txT: `aug.${pass}.tx_t`,
  mask: `aug.${pass}.mask`,
  brightness: `aug.${pass}.brightness`,
  saturation: `aug.${pass}.saturation`,
  contrast: `aug.${pass}.contrast`,
});

/** The graph inputs the augmentations `augment` take, for the three passes; none without them. */
export function augmentInputs(augment: readonly AugmentName[], batch: number, dataShape: number[]): AugmentInput[] {
  if (augment.length === 0) return [];
  const [H, W] = dataShape as [number, number];
  const factor = [batch, 1, 1, 1];
  return AUGMENT_PASSES.flatMap((pass) => {
    const n = names(pass);
    return [
      ...(augment.includes('translation')
        ? [
            { name: n.ty, shape: [batch, 1, H, H] },
            { name: n.txT, shape: [batch, 1, W, W] },
          ]
        : []),
      ...(augment.includes('cutout') ? [{ name: n.mask, shape: [batch, 1, H, W] }] : []),
      ...(augment.includes('color')
        ? [n.brightness, n.saturation, n.contrast].map((name) => ({ name, shape: factor }))
        : []),
    ];
  });
}

/** Writes a step's drawn parameters into the inputs `augmentInputs` named (`data` by input name). */
export function feedAugment(
  data: (name: string) => Float32Array | undefined,
  drawn: Record<AugmentPass, AugmentParams>,
) {
  for (const pass of AUGMENT_PASSES) {
    const p = drawn[pass];
    const n = names(pass);
    const put = (name: string, fill: (out: Float32Array) => void) => {
      const out = data(name);
      if (out) fill(out);
    };
    put(n.ty, (out) => shiftMatrices(p.shiftY, p.height, false, out));
    put(n.txT, (out) => shiftMatrices(p.shiftX, p.width, true, out));
    put(n.mask, (out) => cutoutMask(p, out));
    put(n.brightness, (out) => out.set(p.brightness));
    put(n.saturation, (out) => out.set(p.saturation));
    put(n.contrast, (out) => out.set(p.contrast));
  }
}

/** One pass's augmentation written into a graph whose inputs `augmentInputs` declared. */
export interface GraphAugment {
  /** The augmented batch. */
  forward(x: string): string;
  /** The gradient of the clean batch given the augmented one's. */
  adjoint(g: string): string;
  /** The augmentation's Jacobian applied to `a` (forward without the brightness offset). */
  linear(a: string): string;
}

/** The augmentation of `pass` in `g`; `declared` is whether each input exists in the graph. */
export function graphAugment(g: Graph, pass: AugmentPass, declared: (name: string) => boolean): GraphAugment {
  const n = names(pass);
  const has = (name: string) => declared(name);
  const t = (v: string) => g.memo(`T:${v}`, () => g.transpose(v, [0, 1, 3, 2]));
  const around = (v: string, mean: string, k: string) => g.add(g.mul(g.sub(v, mean), k), mean);
  const saturate = (v: string) => around(v, g.mean(v, [1], true), n.saturation);
  const contrast = (v: string) => around(v, g.mean(v, [1, 2, 3], true), n.contrast);
  const shift = (v: string) => g.op('MatMul', [g.op('MatMul', [n.ty, v]), n.txT]);
  const shiftBack = (v: string) => g.op('MatMul', [g.op('MatMul', [t(n.ty), v]), t(n.txT)]);
  const color = has(n.brightness);
  const chain = (v: string, offset: boolean) => {
    let y = v;
    if (color) y = contrast(saturate(offset ? g.add(y, n.brightness) : y));
    if (has(n.ty)) y = shift(y);
    if (has(n.mask)) y = g.mul(y, n.mask);
    return y;
  };
  return {
    forward: (x) => chain(x, true),
    linear: (a) => chain(a, false),
    adjoint(d) {
      let y = d;
      if (has(n.mask)) y = g.mul(y, n.mask);
      if (has(n.ty)) y = shiftBack(y);
      if (color) y = saturate(contrast(y));
      return y;
    },
  };
}
