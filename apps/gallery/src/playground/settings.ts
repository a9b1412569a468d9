/**
 * Everything that decides a playground run, its defaults and presets, and its form in the URL hash
 * (`#dataset=ring8&hiddenG=64,64&seed=3`): the same hash reproduces the same run. Bad hashes are refused
 * with one message per field saying what was wrong and what is allowed.
 */
import type { HiddenActivation } from '@ganforge/trainer/browser';

/**
 * The trainer's POINTS_MLP_LIMITS and MAX_DRAWN_POINTS (settings.test.ts checks they agree), kept here so
 * the page's own bundle does not carry TF.js: only the worker imports the trainer.
 */
export const POINTS_MLP_LIMITS = { layers: 6, width: 512, latentDim: 64 } as const;
export const MAX_DRAWN_POINTS = 5000;

export const DATASETS = ['gaussian2d', 'ring8', 'grid25', 'moons', 'line', 'drawn'] as const;
export const LOSSES = ['minimax', 'non-saturating', 'least-squares', 'wgan-clip', 'wgan-gp'] as const;
/**
 * The engine: TF.js on one of its backends, or (image mode) the compiled step on onnxruntime-web, on
 * the CPU ('compiled') or the GPU ('webgpu'); auto times them on the run's own model and keeps the
 * fastest.
 */
export const BACKENDS = ['auto', 'compiled', 'webgpu', 'wasm', 'webgl', 'cpu'] as const;
export const MODELS = ['mlp', 'd2l'] as const;
/** 2-D points (GAN Lab-like) or small images (Fashion-MNIST). */
export const MODES = ['points', 'images'] as const;
/** The image networks: the trainer's MLP GAN and DCGAN-28. */
export const IMAGE_MODELS = ['mlp', 'dcgan28'] as const;
/** How many Fashion-MNIST images image mode may load (the first N of the bundled 10k test split). */
export const IMAGE_COUNT_LIMITS = [500, 5000] as const;
/** Latent sizes allowed in image mode (2-D mode keeps the points MLP's limit). */
export const IMAGE_LATENT_MAX = 256;
/** The noise G reads in 2-D mode: N(0, I), or uniform on [−1, 1] (GAN Lab's choices with a latent size of 1 or 2). */
export const NOISES = ['gaussian', 'uniform'] as const;

export type DatasetChoice = (typeof DATASETS)[number];
export type LossChoice = (typeof LOSSES)[number];
export type BackendChoice = (typeof BACKENDS)[number];

export interface PlaygroundSettings {
  mode: (typeof MODES)[number];
  /** Image mode's network, and how many images it trains on. */
  imageModel: (typeof IMAGE_MODELS)[number];
  images: number;
  dataset: DatasetChoice;
  /** The user's points (x0, y0, x1, y1, ...), for dataset 'drawn'. */
  drawn: number[];
  /**
   * 2-D mode's network. 'd2l': the trainer's gaussian2d network (one linear layer G, 5-3 tanh D);
   * 'mlp': editable (hiddenG/hiddenD are also the image MLP's widths).
   */
  model: (typeof MODELS)[number];
  hiddenG: number[];
  hiddenD: number[];
  activation: HiddenActivation;
  latentDim: number;
  noise: (typeof NOISES)[number];
  loss: LossChoice;
  /** WGAN weight clipping bound and WGAN-GP penalty weight. */
  clip: number;
  gp: number;
  optimizer: 'adam' | 'rmsprop';
  lrD: number;
  lrG: number;
  beta1: number;
  dSteps: number;
  batchSize: number;
  seed: number;
  backend: BackendChoice;
}

/** GAN Lab-like defaults: the ring of 8 with small ReLU MLPs. */
export const DEFAULT_SETTINGS: PlaygroundSettings = {
  mode: 'points',
  imageModel: 'dcgan28',
  images: 2000,
  dataset: 'ring8',
  drawn: [],
  model: 'mlp',
  hiddenG: [64, 64],
  hiddenD: [64, 64],
  activation: 'relu',
  latentDim: 2,
  noise: 'gaussian',
  loss: 'non-saturating',
  clip: 0.1,
  gp: 1,
  optimizer: 'adam',
  lrD: 0.001,
  lrG: 0.001,
  beta1: 0.5,
  dSteps: 1,
  batchSize: 128,
  seed: 1,
  backend: 'auto',
};

/**
 * Image mode's starting point: the trainer's DCGAN-28 with the fashion preset's objective and optimiser
 * (non-saturating loss, Adam 2e-4 / β₁ 0.5, batch 64, z of 100) on the first 2,000 test images. A link in
 * image mode lists only what differs from these.
 */
export const IMAGE_DEFAULTS: PlaygroundSettings = {
  ...DEFAULT_SETTINGS,
  mode: 'images',
  imageModel: 'dcgan28',
  images: 2000,
  hiddenG: [256, 512],
  hiddenD: [512, 256],
  latentDim: 100,
  lrD: 0.0002,
  lrG: 0.0002,
  beta1: 0.5,
  batchSize: 64,
};

/** The defaults a mode's links and form start from. */
export const defaultsFor = (mode: PlaygroundSettings['mode']): PlaygroundSettings =>
  mode === 'images' ? IMAGE_DEFAULTS : DEFAULT_SETTINGS;

/** Named starting points. 'd2l' is the trainer's gaussian2d preset, step for step. */
export const PRESETS: Record<string, { label: string; settings: Partial<PlaygroundSettings> }> = {
  ring8: { label: 'Ring of 8 (MLP, non-saturating)', settings: {} },
  d2l: {
    label: 'd2l.ai Gaussian (the trainer’s gaussian2d preset)',
    settings: {
      dataset: 'gaussian2d',
      model: 'd2l',
      latentDim: 2,
      loss: 'non-saturating',
      optimizer: 'adam',
      lrD: 0.05,
      lrG: 0.005,
      beta1: 0.9,
      batchSize: 8,
      dSteps: 1,
    },
  },
  wgan: {
    label: '5×5 grid (WGAN-GP, 5 critic steps)',
    settings: {
      dataset: 'grid25',
      loss: 'wgan-gp',
      gp: 0.1,
      dSteps: 5,
      lrD: 0.0005,
      lrG: 0.0005,
      beta1: 0.5,
      hiddenD: [128, 128],
      hiddenG: [128, 128],
    },
  },
  fashion: {
    label: 'Fashion-MNIST images (DCGAN-28)',
    settings: { ...IMAGE_DEFAULTS },
  },
  'fashion-mlp': {
    label: 'Fashion-MNIST images (MLP GAN)',
    settings: { ...IMAGE_DEFAULTS, imageModel: 'mlp' },
  },
};

export class SettingsError extends Error {
  override name = 'SettingsError';
}

type Key = keyof PlaygroundSettings;

const LIMITS = {
  latentDim: [1, IMAGE_LATENT_MAX],
  images: IMAGE_COUNT_LIMITS,
  lrD: [1e-6, 1],
  lrG: [1e-6, 1],
  beta1: [0, 0.999],
  clip: [1e-4, 10],
  gp: [0, 100],
  dSteps: [1, 20],
  batchSize: [2, 1024],
  seed: [0, 2 ** 31 - 1],
} as const satisfies Partial<Record<Key, readonly [number, number]>>;

const INTEGER: ReadonlySet<Key> = new Set<Key>(['latentDim', 'dSteps', 'batchSize', 'seed', 'images']);
const CHOICES: Partial<Record<Key, readonly string[]>> = {
  mode: MODES,
  imageModel: IMAGE_MODELS,
  dataset: DATASETS,
  model: MODELS,
  activation: ['relu', 'tanh', 'leakyRelu'],
  noise: NOISES,
  loss: LOSSES,
  optimizer: ['adam', 'rmsprop'],
  backend: BACKENDS,
};

function parseWidths(key: Key, text: string, errors: string[]): number[] {
  const { layers, width } = POINTS_MLP_LIMITS;
  const parts = text === '' ? [] : text.split(',').map((s) => Number(s.trim()));
  if (parts.length > layers || parts.some((w) => !Number.isInteger(w) || w < 1 || w > width)) {
    errors.push(
      `${key}="${quote(text)}": give up to ${layers} comma-separated layer widths from 1 to ${width}, e.g. 64,64`,
    );
  }
  return parts;
}

function parseDrawn(text: string, errors: string[]): number[] {
  const values = text === '' ? [] : text.split(',').map(Number);
  if (values.length % 2 !== 0 || values.some((v) => !Number.isFinite(v) || Math.abs(v) > 100)) {
    errors.push('drawn: give x,y pairs of numbers within ±100, e.g. drawn=0,0,1.5,1');
  } else if (values.length / 2 > MAX_DRAWN_POINTS) {
    errors.push(`drawn: at most ${MAX_DRAWN_POINTS} points (got ${values.length / 2})`);
  }
  return values;
}

/** Validates a full settings object (also used for the form's values); returns the problems found. */
export function checkSettings(s: PlaygroundSettings, opts: { allowEmptyDrawing?: boolean } = {}): string[] {
  const errors: string[] = [];
  for (const [key, [lo, hi]] of Object.entries(LIMITS) as [Key, readonly [number, number]][]) {
    const v = s[key] as number;
    const whole = INTEGER.has(key);
    if (!Number.isFinite(v) || v < lo || v > hi || (whole && !Number.isInteger(v))) {
      errors.push(
        `${key}=${String(v)}: must be ${whole ? 'a whole number' : 'a number'} from ${lo} to ${hi}`,
      );
    }
  }
  if (s.mode === 'images') {
    if (s.batchSize > s.images) errors.push(`batchSize=${s.batchSize}: at most the ${s.images} images`);
    if (s.noise !== 'gaussian') errors.push('noise=uniform: image mode trains on Gaussian noise only');
    return errors;
  }
  if (Number.isFinite(s.latentDim) && s.latentDim > POINTS_MLP_LIMITS.latentDim) {
    errors.push(
      `latentDim=${s.latentDim}: 2-D mode takes a latent size from 1 to ${POINTS_MLP_LIMITS.latentDim}`,
    );
  }
  if (s.dataset === 'drawn' && s.drawn.length < 4 && !opts.allowEmptyDrawing) {
    errors.push(
      'the drawn dataset needs at least 2 points: draw on the data canvas, or pick another dataset',
    );
  }
  if (s.model === 'd2l' && s.dataset !== 'gaussian2d') {
    errors.push('the d2l network (model=d2l) is for the d2l Gaussian: use dataset=gaussian2d or model=mlp');
  }
  return errors;
}

/**
 * Settings a run in progress takes without starting over: the objective, the optimizer and its rates,
 * D's steps per G step, and the noise's distribution. Anything else builds new models.
 */
export const LIVE_KEYS: readonly Key[] = [
  'loss',
  'clip',
  'gp',
  'optimizer',
  'lrD',
  'lrG',
  'beta1',
  'dSteps',
  'noise',
];

/** The keys that differ between `a` and `b`, when every one of them can change live; null otherwise. */
export function liveChanges(a: PlaygroundSettings, b: PlaygroundSettings): Key[] | null {
  const changed = (Object.keys(DEFAULT_SETTINGS) as Key[]).filter(
    (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
  );
  if (changed.length === 0 || changed.some((k) => !LIVE_KEYS.includes(k))) return null;
  if (b.mode === 'images' && changed.includes('noise')) return null;
  return changed;
}

/** The longest link the page reads: a full drawing takes a few tens of kilobytes. */
export const MAX_HASH_CHARS = 100_000;
/** How much of a bad value an error quotes, and how many problems it lists. */
const QUOTE_CHARS = 40;
const MAX_LISTED = 6;

/** `text` as an error quotes it: at most QUOTE_CHARS characters, and the length when it is cut. */
function quote(text: string): string {
  return text.length <= QUOTE_CHARS ? text : `${text.slice(0, QUOTE_CHARS)}… (${text.length} characters)`;
}

/** Reads settings from a URL hash; unknown keys and bad values are errors, absent keys take defaults. */
export function parseHash(hash: string, base?: PlaygroundSettings): PlaygroundSettings {
  if (hash.length > MAX_HASH_CHARS) {
    throw new SettingsError(
      `This link is ${hash.length.toLocaleString('en')} characters long; the playground reads links up to ${MAX_HASH_CHARS.toLocaleString('en')}.`,
    );
  }
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  base ??= defaultsFor(params.get('mode') === 'images' ? 'images' : 'points');
  const out: PlaygroundSettings = { ...base, drawn: [...base.drawn] };
  const errors: string[] = [];
  const preset = params.get('preset');
  if (preset !== null) {
    // Own keys only: `preset=toString` must not find Object.prototype's.
    if (Object.hasOwn(PRESETS, preset)) Object.assign(out, PRESETS[preset]!.settings);
    else errors.push(`preset="${quote(preset)}": use one of ${Object.keys(PRESETS).join(', ')}`);
  }
  for (const [key, text] of params) {
    if (key === 'preset') continue;
    if (!Object.hasOwn(DEFAULT_SETTINGS, key)) {
      errors.push(`unknown setting "${quote(key)}"; known: ${Object.keys(DEFAULT_SETTINGS).join(', ')}`);
      continue;
    }
    const k = key as Key;
    const choices = CHOICES[k];
    if (choices) {
      if (choices.includes(text)) (out as unknown as Record<string, unknown>)[k] = text;
      else errors.push(`${k}="${quote(text)}": use one of ${choices.join(', ')}`);
    } else if (k === 'hiddenG' || k === 'hiddenD') out[k] = parseWidths(k, text, errors);
    else if (k === 'drawn') out.drawn = parseDrawn(text, errors);
    else {
      const n = text.trim() === '' ? NaN : Number(text);
      if (Number.isFinite(n)) (out as unknown as Record<string, unknown>)[k] = n;
      else errors.push(`${k}="${quote(text)}": give a number, e.g. ${String(DEFAULT_SETTINGS[k])}`);
    }
  }
  // A link to the drawn dataset without points opens the page ready to draw.
  errors.push(...checkSettings(out, { allowEmptyDrawing: true }));
  if (errors.length) {
    const listed = errors.slice(0, MAX_LISTED);
    if (errors.length > MAX_LISTED) listed.push(`and ${errors.length - MAX_LISTED} more`);
    throw new SettingsError(`This link's settings cannot be used: ${listed.join('; ')}.`);
  }
  return out;
}

/**
 * The hash that reproduces `s`: only what differs from its mode's defaults, so links stay short (and an
 * image-mode link starts with mode=images).
 */
export function toHash(s: PlaygroundSettings): string {
  const params = new URLSearchParams();
  const defaults = defaultsFor(s.mode);
  if (s.mode === 'images') params.set('mode', 'images');
  for (const key of Object.keys(DEFAULT_SETTINGS) as Key[]) {
    if (key === 'mode') continue;
    const v = s[key];
    const d = defaults[key];
    const text = Array.isArray(v) ? v.map((x) => (key === 'drawn' ? round(x) : x)).join(',') : String(v);
    const dText = Array.isArray(d) ? d.join(',') : String(d);
    if (text !== dText) params.set(key, text);
  }
  return `#${params.toString().replace(/%2C/g, ',')}`;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
