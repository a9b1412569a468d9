/**
 * The largest sizes a run takes. Each size below allocates (weights, their Adam moments, activations of
 * a batch); far beyond these a run does not fail at once but minutes later, out of memory (TF.js's wasm
 * heap ends at 4 GiB), with a stack of wasm frames. They are checked when the config is read, and the
 * networks they make once the data's shape is known, before any model is built.
 */
import { ConfigError } from './errors';

/** The keys of a SizedConfig these checks read (its own type here: config.ts calls checkSizes). */
export interface SizedConfig {
  model: 'gaussian2d' | 'points-mlp' | 'mlp' | 'dcgan28' | 'dcgan64' | 'rdcgan80';
  latentDim: number;
  batchSize: number;
  filtersG: number;
  filtersD: number;
  imageSize?: number | undefined;
  embedDim: number;
  hiddenG: number[];
  hiddenD: number[];
  conditional: boolean;
  conditioning: string;
}

export const SIZE_LIMITS = {
  latentDim: 4096,
  batchSize: 4096,
  filtersG: 1024,
  filtersD: 1024,
  imageSize: 1024,
  embedDim: 4096,
} as const satisfies Partial<Record<keyof SizedConfig, number>>;
/** Widths and depth of the MLP hidden layers (hiddenG, hiddenD). */
export const HIDDEN_LIMITS = { width: 16384, layers: 16 } as const;
/** Weights of one network (G or D): 400 MB of float32, which its Adam moments and gradients triple. */
export const MAX_PARAMETERS = 100_000_000;

/** The flag of a config key (kebab-case; written here, as this module also runs in browsers). */
const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Refuses a size beyond its limit, naming the flag and the limit. */
export function checkSizes(c: SizedConfig): void {
  for (const [key, max] of Object.entries(SIZE_LIMITS) as [keyof typeof SIZE_LIMITS, number][]) {
    const v = c[key];
    if (v !== undefined && v > max) {
      throw new ConfigError(`${flag(key)} is at most ${max} (got ${v}): larger sizes do not fit in memory`);
    }
  }
  for (const key of ['hiddenG', 'hiddenD'] as const) {
    const widths = c[key];
    if (widths.length > HIDDEN_LIMITS.layers) {
      throw new ConfigError(
        `${flag(key)} takes at most ${HIDDEN_LIMITS.layers} hidden layers (got ${widths.length})`,
      );
    }
    const widest = Math.max(0, ...widths);
    if (widest > HIDDEN_LIMITS.width) {
      throw new ConfigError(
        `${flag(key)} takes widths of at most ${HIDDEN_LIMITS.width} (got ${widest}): larger layers do not fit in memory`,
      );
    }
  }
}

/** Weights of a dense layer chain in -> widths... -> out (biases included). */
function denseChain(sizes: number[]): number {
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += sizes[i - 1]! * sizes[i]! + sizes[i]!;
  return n;
}

/** The DCGAN's scales at `size` (as dcgan64.ts builds them): a base map doubled `steps` times. */
function dcganSteps(size: number): { base: number; steps: number } {
  let steps = 0;
  while (steps < 4 && size % 2 ** (steps + 1) === 0 && size / 2 ** (steps + 1) >= 4) steps++;
  return { base: size / 2 ** Math.max(steps, 1), steps: Math.max(steps, 1) };
}

/**
 * About how many weights each network of `c` has on data of `shape` ([h, w, c] images, [d] points),
 * counting its dense matrices, convolution kernels and embeddings (what grows with the sizes above).
 */
export function estimateParameters(
  c: SizedConfig,
  shape: number[],
  numClasses: number,
): { generator: number; discriminator: number } {
  const example = shape.reduce((a, b) => a * b, 1);
  const classes = c.conditional ? numClasses : 0;
  const gIn = c.latentDim + (classes ? c.embedDim : 0);
  const gEmbed = classes * c.embedDim;
  if (c.model === 'mlp' || c.model === 'points-mlp' || c.model === 'gaussian2d') {
    const dIn = example + (classes && c.conditioning === 'concat' ? c.embedDim : 0);
    const hiddenD = c.model === 'gaussian2d' ? [] : c.hiddenD;
    const hiddenG = c.model === 'gaussian2d' ? [] : c.hiddenG;
    const last = hiddenD.at(-1) ?? dIn;
    return {
      generator: denseChain([gIn, ...hiddenG, example]) + gEmbed,
      discriminator: denseChain([dIn, ...hiddenD, 2]) + classes * (c.embedDim + last),
    };
  }
  if (c.model === 'dcgan28') {
    const ch = shape[2] ?? 1;
    return {
      generator: gIn * 7 * 7 * 128 + 16 * (128 * 64 + 64 * ch) + gEmbed,
      discriminator: 16 * (ch * 64 + 64 * 128) + 7 * 7 * 128 * 2,
    };
  }
  if (c.model === 'rdcgan80') {
    // A fixed network (models/rdcgan80.ts): only its input grows, with the latent size.
    return { generator: gIn * 16 * 320 + 2.04e6 + gEmbed, discriminator: 2.6e5 };
  }
  const [h = 64, , ch = 3] = shape;
  const { base, steps } = dcganSteps(h);
  const top = (f: number) => f * 2 ** (steps - 1);
  let g = gIn * base * base * top(c.filtersG);
  let d = (base * base * top(c.filtersD) + 1) * 2;
  for (let i = steps - 1; i >= 0; i--)
    g += 16 * c.filtersG * 2 ** i * (i === 0 ? ch : c.filtersG * 2 ** (i - 1));
  for (let i = 0; i < steps; i++)
    d += 16 * (i === 0 ? ch + 1 : c.filtersD * 2 ** (i - 1)) * c.filtersD * 2 ** i;
  return { generator: g + gEmbed, discriminator: d + classes * Math.max(h * h, top(c.filtersD)) };
}

/** What makes each network big, for the message. */
const DRIVERS: Record<SizedConfig['model'], { generator: string; discriminator: string }> = {
  mlp: { generator: '--hidden-g, --latent-dim', discriminator: '--hidden-d, --image-size' },
  'points-mlp': { generator: '--hidden-g', discriminator: '--hidden-d' },
  gaussian2d: { generator: '--latent-dim', discriminator: '--latent-dim' },
  dcgan28: { generator: '--latent-dim', discriminator: '--image-size' },
  rdcgan80: { generator: '--latent-dim', discriminator: '--latent-dim' },
  dcgan64: {
    generator: '--filters-g, --image-size, --latent-dim',
    discriminator: '--filters-d, --image-size',
  },
};

/** Refuses networks too big to train, before they are built (building them is what runs out of memory). */
export function checkModelSize(c: SizedConfig, shape: number[], numClasses: number): void {
  const params = estimateParameters(c, shape, numClasses);
  for (const net of ['generator', 'discriminator'] as const) {
    if (params[net] > MAX_PARAMETERS) {
      throw new ConfigError(
        `the ${net} would have about ${params[net].toExponential(1)} weights, more than the ${MAX_PARAMETERS.toExponential(1)} a run can hold: lower ${DRIVERS[c.model][net]}`,
      );
    }
  }
}
