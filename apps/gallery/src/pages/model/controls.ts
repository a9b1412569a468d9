/** A generator page's form: seed, new samples, truncation, class picker and the share link. */
import { el } from '../../dom';
import { MAX_SEED, MAX_TRUNCATION, parseSeed, type ViewOptions } from '../../links';

const DEFAULT_TRUNCATION = 0.7;

/** Seed box, new samples, truncation and class picker; changes go to the URL through `onChange`. */
export class Controls {
  readonly form = el('form', { class: 'controls' });
  private readonly seed = el('input', {
    attrs: { type: 'number', min: '0', max: String(MAX_SEED), step: '1', id: 'seed', inputmode: 'numeric' },
  });
  private readonly truncOn = el('input', { attrs: { type: 'checkbox', id: 'trunc-on' } });
  private readonly trunc = el('input', {
    attrs: {
      type: 'range',
      id: 'truncation',
      min: '0.1',
      max: String(Math.min(2, MAX_TRUNCATION)),
      step: '0.05',
    },
  });
  private readonly truncValue = el('output', { attrs: { for: 'truncation' } });
  private readonly classSelect: HTMLSelectElement | null;
  private readonly share = el('a', { attrs: { id: 'share' }, text: 'Link to these samples' });

  constructor(
    isImage: boolean,
    readonly classes: string[] | null,
    onChange: (patch: Partial<ViewOptions>) => void,
  ) {
    const newSamples = el('button', {
      attrs: { type: 'button', id: 'new-samples' },
      text: isImage ? 'New samples' : 'New points',
    });
    this.classSelect = classes
      ? el(
          'select',
          { attrs: { id: 'class' } },
          el('option', { attrs: { value: '' }, text: 'one row per class' }),
          ...classes.map((name, i) => el('option', { attrs: { value: String(i) }, text: name })),
        )
      : null;
    const fields: (HTMLElement | null)[] = [
      el(
        'div',
        { class: 'field' },
        el('label', { attrs: { for: 'seed' }, text: 'seed' }),
        this.seed,
        el('button', { attrs: { type: 'submit' }, text: 'Generate' }),
        newSamples,
      ),
      el(
        'div',
        { class: 'field' },
        this.truncOn,
        el('label', { attrs: { for: 'trunc-on' }, text: 'truncation' }),
        this.trunc,
        this.truncValue,
      ),
      this.classSelect
        ? el(
            'div',
            { class: 'field' },
            el('label', { attrs: { for: 'class' }, text: 'class' }),
            this.classSelect,
          )
        : null,
      el('div', { class: 'field' }, this.share),
    ];
    this.form.append(...fields.filter((f): f is HTMLElement => f !== null));
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const parsed = parseSeed(this.seed.value);
      if ('error' in parsed) {
        this.seed.setCustomValidity(parsed.error);
        this.seed.reportValidity();
      } else onChange({ seed: parsed.seed });
    });
    this.seed.addEventListener('input', () => this.seed.setCustomValidity(''));
    newSamples.addEventListener('click', () => onChange({ seed: Math.floor(Math.random() * MAX_SEED) }));
    this.truncOn.addEventListener('change', () =>
      onChange({ truncation: this.truncOn.checked ? Number(this.trunc.value) || DEFAULT_TRUNCATION : null }),
    );
    this.trunc.addEventListener('input', () => (this.truncValue.textContent = this.trunc.value));
    this.trunc.addEventListener('change', () => onChange({ truncation: Number(this.trunc.value) }));
    this.classSelect?.addEventListener('change', () => {
      const v = this.classSelect?.value ?? '';
      onChange({ cls: v === '' ? null : Number(v) });
    });
  }

  set(o: ViewOptions): void {
    this.seed.value = String(o.seed);
    this.truncOn.checked = o.truncation !== null;
    this.trunc.disabled = o.truncation === null;
    this.trunc.value = String(o.truncation ?? DEFAULT_TRUNCATION);
    this.truncValue.textContent = o.truncation === null ? 'off' : String(o.truncation);
    if (this.classSelect) this.classSelect.value = o.cls === null ? '' : String(o.cls);
    this.share.href = location.hash;
  }
}
