/**
 * Seeded latents that are bit-identical across runs and platforms.
 *
 * Uniform bits come from sfc32 (Chris Doty-Humphrey's "Small Fast Counting" generator, 32-bit variant,
 * from PractRand), which uses only 32-bit integer arithmetic and so is exact in every JS engine.
 * Normals come from the Box-Muller transform computed in float64 and rounded once with Math.fround.
 * Math.sqrt is correctly rounded by IEEE 754, but Math.log, Math.cos and Math.sin are not required to be
 * bit-identical across JS engines: V8 (Node and Chromium, Edge, Electron) uses one implementation
 * (fdlibm port), so latents match bit for bit there; SpiderMonkey or JavaScriptCore may differ in the
 * last bit of a rare value.
 */
import { InvalidArgumentError } from './errors';
import { checkValues } from './limits';

const TWO_POW_32 = 4294967296;

/** sfc32 seeded from an integer seed; returns a function giving uint32 values. */
export function sfc32(seed: number): () => number {
  checkSeed(seed);
  // Seeding as in PractRand's reference: a = 0, b = low 32 bits, c = high bits, counter = 1,
  // then 12 discarded rounds so that nearby seeds decorrelate.
  let a = 0;
  let b = seed >>> 0;
  let c = Math.floor(seed / TWO_POW_32) >>> 0;
  let counter = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + counter) | 0;
    counter = (counter + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    const shown = typeof seed === 'string' ? `'${seed}' (a string)` : String(seed);
    throw new InvalidArgumentError(
      `seed must be a non-negative integer below 2^53 (e.g. seed: 7), got ${shown}`,
    );
  }
}

/**
 * Standard normal float64 values from any source of uniforms in [0, 1), by the Box-Muller transform:
 * each two uniforms u1, u2 give r·cos θ and then r·sin θ, with r = √(-2 ln(1 - u1)) and θ = 2π·u2
 * (1 - u1 is in (0, 1], so the log stays finite). With `pairs: false` the sine is dropped, and each
 * value takes two fresh uniforms. The one normal sampler of GANForge: normalStream (whose values
 * seededLatents computes inline), the trainer's 2-D datasets and the exporter's parity inputs draw
 * through it, each from its own uniform source. Runtime-neutral: also `@ganforge/inference/random`.
 */
export function normalsFrom(uniform: () => number, options: { pairs?: boolean } = {}): () => number {
  const pairs = options.pairs ?? true;
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u1 = 1 - uniform();
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    if (pairs) spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** A source of standard normal float64 values from `seed`: normalsFrom over sfc32's 53-bit uniforms. */
export function normalStream(seed: number): () => number {
  const bits = sfc32(seed);
  // 53-bit uniform in [0, 1) from two 32-bit outputs.
  return normalsFrom(() => ((bits() >>> 5) * 67108864 + (bits() >>> 6)) / 9007199254740992);
}

/**
 * `count * dim` standard normal float32 values from `seed`, sample after sample, so the first k
 * samples of a larger draw equal a draw of k. With `truncation`, values with |z| > truncation are
 * redrawn (a truncated normal). The values are those of `normalStream(seed)` rounded to float32; this
 * path draws them without per-call closures (it runs on every `sample()`).
 *
 * Redrawing needs 1 / P(|z| <= t) draws per value, which grows without bound as t goes to 0 (a billion
 * at t = 1e-9). Below REDRAW_MIN, and for a value still out of range after MAX_REDRAWS draws, the value
 * is drawn from the truncated normal directly instead (inverse CDF of one uniform), so the work is at
 * most MAX_REDRAWS draws per value for any truncation.
 */
export function seededLatents(seed: number, count: number, dim: number, truncation?: number): Float32Array {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidArgumentError(`count must be a non-negative integer, got ${String(count)}`);
  }
  if (!Number.isSafeInteger(dim) || dim <= 0) {
    throw new InvalidArgumentError(`latent dim must be a positive integer, got ${String(dim)}`);
  }
  if (truncation !== undefined && !(truncation > 0 && Number.isFinite(truncation))) {
    throw new InvalidArgumentError(
      `truncation must be a positive number (e.g. 0.7), got ${String(truncation)}; omit it for no truncation`,
    );
  }
  checkSeed(seed);
  checkValues(count, dim, `count ${count} x latentDim ${dim}`);
  const out = new Float32Array(count * dim);
  fillNormals(out, seed, truncation ?? Infinity);
  return out;
}

/** sfc32 state [a, b, c, counter] for fillNormals (synchronous, so one shared array is safe). */
const state = new Int32Array(4);

/** One sfc32 step on `state`: the same arithmetic as sfc32()'s generator, as a uint32. */
function step(s: Int32Array): number {
  const a = s[0]!;
  const b = s[1]!;
  const c = s[2]!;
  const t = (((a + b) | 0) + s[3]!) | 0;
  s[3] = (s[3]! + 1) | 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) | 0;
  s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

/** Truncations from here up are drawn by redrawing (P(|z| <= 0.1) is 8%: about 12 draws a value). */
export const REDRAW_MIN = 0.1;
/** Draws one value may take before it is drawn directly; at t >= REDRAW_MIN, 0.92^1000 < 1e-36. */
const MAX_REDRAWS = 1000;

/**
 * Fills `out` with normalStream(seed)'s values (float32-rounded), skipping those with |z| > limit; see
 * seededLatents for when a value is drawn from the truncated normal directly.
 */
function fillNormals(out: Float32Array, seed: number, limit: number): void {
  const s = state;
  s[0] = 0;
  s[1] = seed >>> 0;
  s[2] = Math.floor(seed / TWO_POW_32) >>> 0;
  s[3] = 1;
  for (let k = 0; k < 12; k++) step(s);
  const n = out.length;
  let i = 0;
  if (limit < REDRAW_MIN) {
    const tails = truncationTails(limit);
    while (i < n) out[i++] = fromTails(uniform53(s), limit, tails);
    return;
  }
  let misses = 0;
  while (i < n) {
    // Two 53-bit uniforms, as normalStream's: u1 in (0, 1], u2 in [0, 1).
    const hi1 = step(s) >>> 5;
    const u1 = 1 - (hi1 * 67108864 + (step(s) >>> 6)) / 9007199254740992;
    const hi2 = step(s) >>> 5;
    const u2 = (hi2 * 67108864 + (step(s) >>> 6)) / 9007199254740992;
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    const z0 = radius * Math.cos(angle);
    if (Math.abs(z0) <= limit) {
      out[i++] = z0;
      misses = 0;
    } else misses++;
    if (i === n) break;
    const z1 = radius * Math.sin(angle);
    if (Math.abs(z1) <= limit) {
      out[i++] = z1;
      misses = 0;
    } else misses++;
    if (misses >= MAX_REDRAWS && i < n) {
      out[i++] = fromTails(uniform53(s), limit, truncationTails(limit));
      misses = 0;
    }
  }
}

/** A 53-bit uniform in [0, 1) from two sfc32 steps, as normalStream's. */
function uniform53(s: Int32Array): number {
  const hi = step(s) >>> 5;
  return (hi * 67108864 + (step(s) >>> 6)) / 9007199254740992;
}

/** For a truncation t: half the mass inside, P(0 <= z <= t), and the mass of one tail, P(z < -t). */
interface Tails {
  inside: number;
  tail: number;
}

function truncationTails(t: number): Tails {
  const x = t / Math.SQRT2;
  if (x < 2) {
    const inside = erfSeries(x) / 2;
    return { inside, tail: 0.5 - inside };
  }
  const tail = erfcFraction(x) / 2;
  return { inside: 0.5 - tail, tail };
}

/**
 * The normal truncated to [-t, t] at uniform u in [0, 1): the inverse CDF at P(z < -t) + u·P(|z| <= t),
 * computed from the offset to the median so that a tiny t keeps its precision. The float32 result is
 * kept within [-t, t] (rounding could step just outside).
 */
export function truncatedNormal(u: number, t: number): number {
  return fromTails(u, t, truncationTails(t));
}

function fromTails(u: number, t: number, tails: Tails): number {
  const v = 2 * u - 1; // [-1, 1)
  const offset = v * tails.inside; // P(z < value) - 1/2
  const below = tails.tail + (1 - Math.abs(v)) * tails.inside; // P(z < -|value|)
  const z = Math.min(t, Math.max(-t, inverseNormal(offset, below)));
  let f = Math.fround(z);
  if (Math.abs(f) > t) f = towardZero(f);
  return f;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The float32 next to `f` on the side of zero (f is non-zero). */
function towardZero(f: number): number {
  f32[0] = f;
  u32[0] = u32[0]! - 1; // the magnitude is the low 31 bits: one less is one float32 closer to 0
  return f32[0]!;
}

/** erf(x) for 0 <= x < 2 by its Taylor series (terms fall below 1e-17 of the sum within 40 terms). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x; // (-1)^n x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** erfc(x) for x >= 2 by its continued fraction (modified Lentz). */
function erfcFraction(x: number): number {
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 200; k++) {
    const a = k / 2;
    d = x + a * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/**
 * The standard normal quantile at p = 1/2 + offset, where `below` = min(p, 1 - p) is given separately
 * so that neither end loses digits. Acklam's rational approximation: relative error below 1.2e-9, far
 * below float32's 6e-8.
 */
function inverseNormal(offset: number, below: number): number {
  if (Math.abs(offset) <= 0.5 - 0.02425) {
    const r = offset * offset;
    return (
      ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r +
        1.38357751867269e2) *
        r -
        3.066479806614716e1) *
        r +
        2.506628277459239) *
        offset) /
      (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r +
        6.680131188771972e1) *
        r -
        1.328068155288572e1) *
        r +
        1)
    );
  }
  if (!(below > 0)) return offset < 0 ? -Infinity : Infinity; // beyond float64's tails: the caller clamps
  const q = Math.sqrt(-2 * Math.log(below));
  const tail =
    (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) *
      q +
      4.374664141464968) *
      q +
      2.938163982698783) /
    ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) *
      q +
      1);
  // `tail` is the lower-tail quantile (negative); the upper tail mirrors it.
  return offset < 0 ? tail : -tail;
}
