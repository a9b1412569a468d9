/**
 * The settings form: data, model, objective and optimiser fields built from one table, read back into
 * PlaygroundSettings. A change is reported once the form's values make a valid run.
 */
import { el } from '../dom';
import {
  BACKENDS,
  checkSettings,
  defaultsFor,
  IMAGE_COUNT_LIMITS,
  POINTS_MLP_LIMITS,
  PRESETS,
  type DatasetChoice,
  type LossChoice,
  type PlaygroundSettings,
} from './settings';

type Key = keyof PlaygroundSettings;

interface Field {
  key: Exclude<Key, 'drawn'>;
  label: string;
  group: string;
  /** Options of a select (value, label). */
  options?: [string, string][];
  /** Number inputs: step; list inputs have neither. */
  step?: string;
  list?: boolean;
  /** Shown only when this holds. */
  when?: (s: PlaygroundSettings) => boolean;
  hint?: string;
}

const DATASET_LABELS: Record<DatasetChoice, string> = {
  gaussian2d: 'd2l Gaussian (X·A + b)',
  ring8: 'Ring of 8 Gaussians',
  grid25: '5×5 grid',
  moons: 'Two moons',
  line: 'A line',
  drawn: 'Draw your own',
};
const LOSS_LABELS: Record<LossChoice, string> = {
  minimax: 'Minimax (original)',
  'non-saturating': 'Non-saturating',
  'least-squares': 'Least squares',
  'wgan-clip': 'Wasserstein, weight clipping',
  'wgan-gp': 'Wasserstein, gradient penalty',
};
const ENGINE_LABELS: Partial<Record<(typeof BACKENDS)[number], string>> = {
  auto: 'Auto (fastest)',
  compiled: 'Compiled step (image mode)',
  webgpu: 'Compiled step on WebGPU (image mode)',
};

const pairs = <T extends string>(labels: Record<T, string>): [string, string][] =>
  Object.entries(labels) as [string, string][];
const points = (s: PlaygroundSettings) => s.mode === 'points';
const images = (s: PlaygroundSettings) => s.mode === 'images';
const mlp = (s: PlaygroundSettings) => s.model === 'mlp' && points(s);
/** Hidden widths: the 2-D MLP's, or the image MLP's. */
const widths = (s: PlaygroundSettings) => mlp(s) || (images(s) && s.imageModel === 'mlp');

const FIELDS: Field[] = [
  {
    key: 'mode',
    label: 'Mode',
    group: 'Data',
    options: [
      ['points', '2-D points'],
      ['images', 'Images (Fashion-MNIST)'],
    ],
  },
  { key: 'dataset', label: 'Data', group: 'Data', options: pairs(DATASET_LABELS), when: points },
  {
    key: 'images',
    label: 'Images',
    group: 'Data',
    step: '1',
    when: images,
    hint: `the first N of the Fashion-MNIST test split (${IMAGE_COUNT_LIMITS.join(' to ')})`,
  },
  { key: 'seed', label: 'Seed', group: 'Data', step: '1' },
  {
    key: 'model',
    label: 'Network',
    group: 'Model',
    when: points,
    options: [
      ['mlp', 'MLP (editable)'],
      ['d2l', 'd2l (linear G, 5-3 tanh D)'],
    ],
  },
  {
    key: 'imageModel',
    label: 'Network',
    group: 'Model',
    when: images,
    options: [
      ['dcgan28', 'DCGAN-28 (the trainer’s)'],
      ['mlp', 'MLP GAN (the trainer’s)'],
    ],
  },
  {
    key: 'hiddenG',
    label: 'G hidden layers',
    group: 'Model',
    list: true,
    when: widths,
    hint: 'widths, e.g. 64,64',
  },
  {
    key: 'hiddenD',
    label: 'D hidden layers',
    group: 'Model',
    list: true,
    when: widths,
    hint: 'widths, e.g. 64,64',
  },
  {
    key: 'activation',
    label: 'Activation',
    group: 'Model',
    when: mlp,
    options: [
      ['relu', 'ReLU'],
      ['leakyRelu', 'LeakyReLU 0.2'],
      ['tanh', 'tanh'],
    ],
  },
  {
    key: 'latentDim',
    label: 'Latent size',
    group: 'Model',
    step: '1',
    hint: 'noise dimensions: 1 or 2 make GAN Lab’s 1-D and 2-D noise',
  },
  {
    key: 'noise',
    label: 'Noise',
    group: 'Model',
    when: points,
    options: [
      ['gaussian', 'Gaussian N(0, I)'],
      ['uniform', 'Uniform on [−1, 1]'],
    ],
  },
  { key: 'loss', label: 'Loss', group: 'Objective', options: pairs(LOSS_LABELS) },
  { key: 'clip', label: 'Clip to ±', group: 'Objective', step: 'any', when: (s) => s.loss === 'wgan-clip' },
  { key: 'gp', label: 'Penalty λ', group: 'Objective', step: 'any', when: (s) => s.loss === 'wgan-gp' },
  { key: 'dSteps', label: 'D steps per G step', group: 'Objective', step: '1' },
  {
    key: 'optimizer',
    label: 'Optimizer',
    group: 'Optimizer',
    options: [
      ['adam', 'Adam'],
      ['rmsprop', 'RMSprop'],
    ],
  },
  { key: 'lrD', label: 'D learning rate', group: 'Optimizer', step: 'any' },
  { key: 'lrG', label: 'G learning rate', group: 'Optimizer', step: 'any' },
  { key: 'beta1', label: 'Adam β₁', group: 'Optimizer', step: 'any', when: (s) => s.optimizer === 'adam' },
  { key: 'batchSize', label: 'Batch size', group: 'Optimizer', step: '1' },
  {
    key: 'backend',
    label: 'Engine',
    group: 'Engine',
    options: BACKENDS.map((b): [string, string] => [b, ENGINE_LABELS[b] ?? `TF.js ${b}`]),
  },
];

export class Controls {
  readonly host = el('form', { class: 'pg-controls', attrs: { id: 'pg-controls', novalidate: '' } });
  readonly preset = el('select', { attrs: { id: 'pg-preset', 'aria-label': 'Preset' } });
  private readonly inputs = new Map<Key, HTMLInputElement | HTMLSelectElement>();
  private readonly rows = new Map<Key, HTMLElement>();
  private settings: PlaygroundSettings;

  constructor(
    initial: PlaygroundSettings,
    private readonly onChange: (s: PlaygroundSettings) => void,
    private readonly onInvalid: (problems: string[], next: PlaygroundSettings) => void,
  ) {
    this.settings = initial;
    this.preset.append(
      el('option', { text: 'Choose a preset…', attrs: { value: '' } }),
      ...Object.entries(PRESETS).map(([k, p]) => el('option', { text: p.label, attrs: { value: k } })),
    );
    this.preset.addEventListener('change', () => {
      const p = PRESETS[this.preset.value];
      // The chosen preset stays shown (fill() keeps it while the settings still match it).
      if (!p) return;
      // A preset of the other mode starts from that mode's defaults (keeping the seed and engine).
      const mode = p.settings.mode ?? 'points';
      const base =
        mode === this.settings.mode
          ? this.settings
          : { ...defaultsFor(mode), seed: this.settings.seed, backend: this.settings.backend };
      this.apply({ ...base, ...p.settings });
    });
    this.host.append(
      el('label', { class: 'pg-preset' }, 'Preset ', this.preset),
      el('p', {
        class: 'pg-form-note',
        text: 'Loss, optimizer, learning rates, β₁, D steps and the noise’s distribution change the run in progress; the rest start a new run.',
      }),
    );
    const groups = new Map<string, HTMLFieldSetElement>();
    for (const f of FIELDS) {
      let group = groups.get(f.group);
      if (!group) {
        group = el('fieldset', {}, el('legend', { text: f.group }));
        groups.set(f.group, group);
        this.host.append(group);
      }
      const input = this.input(f);
      this.inputs.set(f.key, input);
      const row = el('label', { class: 'pg-field' }, el('span', { text: f.label }), input);
      this.rows.set(f.key, row);
      group.append(row);
    }
    this.host.addEventListener('submit', (e) => e.preventDefault());
    this.fill(initial);
  }

  private input(f: Field): HTMLInputElement | HTMLSelectElement {
    const id = `pg-${f.key}`;
    if (f.options) {
      const select = el('select', { attrs: { id, name: f.key } });
      for (const [value, label] of f.options) select.append(el('option', { text: label, attrs: { value } }));
      select.addEventListener('change', () => this.read());
      return select;
    }
    const input = el('input', {
      attrs: {
        id,
        name: f.key,
        ...(f.list
          ? { type: 'text', inputmode: 'numeric', placeholder: f.hint ?? '', pattern: '[0-9, ]*' }
          : { type: 'number', step: f.step ?? 'any' }),
      },
    });
    if (f.hint && !f.list) input.title = f.hint;
    if (f.list) input.title = `up to ${POINTS_MLP_LIMITS.layers} widths of 1 to ${POINTS_MLP_LIMITS.width}`;
    input.addEventListener('change', () => this.read());
    return input;
  }

  /** Shows `s` in the form (and which fields apply to it), and the preset it is, if any. */
  fill(s: PlaygroundSettings): void {
    this.settings = s;
    const shown = PRESETS[this.preset.value];
    if (!shown || !matches(s, shown.settings)) this.preset.value = presetOf(s);
    for (const f of FIELDS) {
      const input = this.inputs.get(f.key)!;
      const v = s[f.key];
      input.value = Array.isArray(v) ? v.join(',') : String(v);
      this.rows.get(f.key)!.hidden = f.when ? !f.when(s) : false;
    }
  }

  private apply(next: PlaygroundSettings): void {
    const problems = checkSettings(next);
    this.fill(next);
    if (problems.length) this.onInvalid(problems, next);
    else this.onChange(next);
  }

  private read(): void {
    const next: PlaygroundSettings = { ...this.settings };
    const record = next as unknown as Record<string, unknown>;
    for (const f of FIELDS) {
      const text = this.inputs.get(f.key)!.value.trim();
      if (f.options) record[f.key] = text;
      else if (f.list) record[f.key] = text === '' ? [] : text.split(',').map((t) => Number(t.trim()));
      else record[f.key] = text === '' ? NaN : Number(text);
    }
    // Another mode starts from its own defaults, keeping the seed and the engine.
    if (next.mode !== this.settings.mode) {
      this.apply({ ...defaultsFor(next.mode), seed: next.seed, backend: next.backend });
      return;
    }
    // The d2l network only fits the d2l data: choosing one brings the other.
    if (next.model === 'd2l' && this.settings.model !== 'd2l') next.dataset = 'gaussian2d';
    if (next.dataset !== 'gaussian2d' && this.settings.dataset === 'gaussian2d' && next.model === 'd2l') {
      next.model = 'mlp';
    }
    const widths = [...next.hiddenG, ...next.hiddenD];
    const { layers, width } = POINTS_MLP_LIMITS;
    if (
      next.hiddenG.length > layers ||
      next.hiddenD.length > layers ||
      widths.some((w) => !Number.isInteger(w) || w < 1 || w > width)
    ) {
      this.settings = next;
      this.onInvalid(
        [`hidden layers: give up to ${layers} comma-separated widths from 1 to ${width}, e.g. 64,64`],
        next,
      );
      return;
    }
    this.apply(next);
  }
}

/** Whether `s` has every setting of a preset. */
function matches(s: PlaygroundSettings, preset: Partial<PlaygroundSettings>): boolean {
  const base = defaultsFor(preset.mode ?? 'points');
  const full = { ...base, ...preset } as Record<string, unknown>;
  const keys = Object.keys(preset).length > 0 ? Object.keys(preset) : Object.keys(base);
  // A preset's own keys must agree; a preset of no keys (the defaults) needs every training setting to.
  return keys
    .filter((k) => k !== 'seed' && k !== 'backend' && k !== 'drawn')
    .every((k) => JSON.stringify((s as unknown as Record<string, unknown>)[k]) === JSON.stringify(full[k]));
}

/** The preset `s` is (the most specific one that matches), or '' for none. */
function presetOf(s: PlaygroundSettings): string {
  const hits = Object.entries(PRESETS).filter(([, p]) => matches(s, p.settings));
  hits.sort(([, a], [, b]) => Object.keys(b.settings).length - Object.keys(a.settings).length);
  return hits[0]?.[0] ?? '';
}
