import { InvalidArgumentError } from './errors';
import { checkValues } from './limits';

export type InterpolationMethod = 'slerp' | 'lerp';

/**
 * `steps` latents from `a` to `b` inclusive (t = k / (steps - 1)), so the first equals `a` and the last
 * equals `b` exactly. slerp follows the great circle (what Gaussian latents are usually walked along);
 * when a and b are (anti)parallel it falls back to lerp.
 */
export function interpolateLatents(
  a: Float32Array,
  b: Float32Array,
  steps: number,
  method: InterpolationMethod = 'slerp',
): Float32Array {
  if (a.length !== b.length) {
    throw new InvalidArgumentError(`from and to latents differ in length (${a.length} vs ${b.length})`);
  }
  if (!Number.isInteger(steps) || steps < 2) {
    throw new InvalidArgumentError(
      `steps must be an integer >= 2 (both ends included), got ${String(steps)}`,
    );
  }
  if (method !== 'slerp' && method !== 'lerp') {
    throw new InvalidArgumentError(`method must be 'slerp' or 'lerp', got ${String(method)}`);
  }
  const dim = a.length;
  checkValues(steps, dim, `steps ${steps} x latentDim ${dim}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < dim; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb)));
  const omega = Math.acos(cos);
  const sinOmega = Math.sin(omega);
  const useLerp = method === 'lerp' || !(sinOmega > 1e-6);
  const out = new Float32Array(steps * dim);
  for (let k = 0; k < steps; k++) {
    const t = k / (steps - 1);
    // At t = 0 and t = 1 the weights are exactly (1, 0) and (0, 1), so the ends are reproduced exactly.
    const wa = useLerp ? 1 - t : Math.sin((1 - t) * omega) / sinOmega;
    const wb = useLerp ? t : Math.sin(t * omega) / sinOmega;
    for (let i = 0; i < dim; i++) out[k * dim + i] = wa * (a[i] as number) + wb * (b[i] as number);
  }
  return out;
}
