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

/** A source of standard normal float64 values (Box-Muller, both outputs used). */
export function normalStream(seed: number): () => number {
  const bits = sfc32(seed);
  // 53-bit uniform in [0, 1) from two 32-bit outputs.
  const uniform = () => ((bits() >>> 5) * 67108864 + (bits() >>> 6)) / 9007199254740992;
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u1 = 1 - uniform(); // (0, 1]: log stays finite
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/**
 * `count * dim` standard normal float32 values from `seed`, sample after sample, so the first k
 * samples of a larger draw equal a draw of k. With `truncation`, values with |z| > truncation are
 * redrawn (a truncated normal). The values are those of `normalStream(seed)` rounded to float32; this
 * path draws them without per-call closures (it runs on every `sample()`).
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

/** Fills `out` with normalStream(seed)'s values (float32-rounded), skipping those with |z| > limit. */
function fillNormals(out: Float32Array, seed: number, limit: number): void {
  const s = state;
  s[0] = 0;
  s[1] = seed >>> 0;
  s[2] = Math.floor(seed / TWO_POW_32) >>> 0;
  s[3] = 1;
  for (let k = 0; k < 12; k++) step(s);
  const n = out.length;
  let i = 0;
  while (i < n) {
    // Two 53-bit uniforms, as normalStream's: u1 in (0, 1], u2 in [0, 1).
    const hi1 = step(s) >>> 5;
    const u1 = 1 - (hi1 * 67108864 + (step(s) >>> 6)) / 9007199254740992;
    const hi2 = step(s) >>> 5;
    const u2 = (hi2 * 67108864 + (step(s) >>> 6)) / 9007199254740992;
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    const z0 = radius * Math.cos(angle);
    if (Math.abs(z0) <= limit) out[i++] = z0;
    if (i === n) break;
    const z1 = radius * Math.sin(angle);
    if (Math.abs(z1) <= limit) out[i++] = z1;
  }
}
