/**
 * One slider that moves every picture panel to the same point of training: a run's per-epoch samples
 * on its page, or each compared run's at the same step on the comparison (each shows its latest picture
 * at or before that step). "Before / after" adds a second slider and shows the two points side by side
 * in every panel. Play steps through them.
 */
import { el, modelsUrl } from '../dom';

export interface Frame {
  /** Where the picture sits on the slider's scale (a step, or an epoch on a run's own page). */
  at: number;
  epoch: number;
  step: number | null;
  /** Path under models/. */
  src: string;
  alt: string;
}

export interface SliderPanel {
  key: string;
  title?: string;
  color?: string;
  frames: Frame[];
}

export interface StepSliderOptions {
  /** Ids of the slider, the before slider (id-before), the play button and the before/after box. */
  id: string;
  playId: string;
  /** What the slider moves through, for its name ("epoch", "step"). */
  name: string;
  /** Class of the pictures (the before picture gets `<class>-before`). */
  frameClass: string;
  /** The caption for a point on the scale: "epoch 2 of 2", "step 1,200". */
  caption(at: number): string;
  /** Called with the point shown (after), e.g. to mark it on the charts. */
  onShow?(at: number): void;
  /** Panels side by side (the comparison) or one picture (a run's page). */
  className: string;
}

/** The latest frame at or before `at`, or the first one (then `early`: none was made by then). */
export function frameAt(frames: Frame[], at: number): { frame: Frame | undefined; early: boolean } {
  let best: Frame | undefined;
  for (const f of frames) if (f.at <= at && (!best || f.at > best.at)) best = f;
  if (best) return { frame: best, early: false };
  return {
    frame: frames.reduce<Frame | undefined>((a, f) => (!a || f.at < a.at ? f : a), undefined),
    early: true,
  };
}

interface PanelView {
  panel: SliderPanel;
  after: HTMLImageElement;
  before: HTMLImageElement;
  note: HTMLElement;
}

export class StepSlider {
  readonly host: HTMLElement;
  /** Every point a picture was made at, over all panels, in order. */
  readonly points: number[];
  private readonly slider: HTMLInputElement;
  private readonly beforeSlider: HTMLInputElement;
  private readonly compareBox: HTMLInputElement;
  private readonly caption = el('figcaption', { attrs: { 'aria-live': 'polite' } });
  private readonly views: PanelView[];
  private readonly play: HTMLButtonElement;
  private timer: ReturnType<typeof setInterval> | undefined;
  private current: number;
  private before = 0;

  constructor(
    panels: SliderPanel[],
    private readonly opts: StepSliderOptions,
  ) {
    this.points = [...new Set(panels.flatMap((p) => p.frames.map((f) => f.at)))].sort((a, b) => a - b);
    const last = Math.max(0, this.points.length - 1);
    this.current = last;
    const range = (id: string, label: string, value: number) =>
      el('input', {
        attrs: {
          type: 'range',
          id,
          min: '0',
          max: String(last),
          step: '1',
          value: String(value),
          'aria-label': label,
        },
      });
    this.slider = range(opts.id, opts.name, last);
    this.beforeSlider = range(`${opts.id}-before`, `${opts.name} before`, 0);
    this.compareBox = el('input', { attrs: { type: 'checkbox', id: `${opts.id}-compare` } });
    this.play = el('button', { attrs: { type: 'button', id: opts.playId }, text: 'Play' });
    this.views = panels.map((p) => this.panelView(p));
    const beforeRow = el('label', { class: 'scrub-before' }, 'before ', this.beforeSlider);
    beforeRow.hidden = true;
    this.slider.addEventListener('input', () => {
      this.stop();
      this.show(Number(this.slider.value));
    });
    this.beforeSlider.addEventListener('input', () => this.showBefore(Number(this.beforeSlider.value)));
    this.compareBox.addEventListener('change', () => {
      beforeRow.hidden = !this.compareBox.checked;
      this.host.classList.toggle('comparing', this.compareBox.checked);
      this.showBefore(this.before);
    });
    this.play.addEventListener('click', () => this.toggle());
    this.host = el(
      'figure',
      { class: `step-slider ${opts.className}` },
      el('div', { class: 'step-panels' }, ...this.views.map((v) => this.panelHost(v))),
      el('div', { class: 'scrub' }, this.play, this.slider),
      beforeRow,
      el('label', { class: 'step-compare' }, this.compareBox, ' before / after'),
      this.caption,
    );
    this.show(last);
    this.showBefore(0);
  }

  private panelView(panel: SliderPanel): PanelView {
    const after = el('img', { class: this.opts.frameClass });
    const before = el('img', { class: `${this.opts.frameClass}-before` });
    return { panel, after, before, note: el('p', { class: 'step-note' }) };
  }

  private panelHost(v: PanelView): HTMLElement {
    const host = el(
      'div',
      { class: 'step-panel', attrs: { 'data-run': v.panel.key } },
      v.panel.title ? el('strong', { class: 'step-title', text: v.panel.title }) : null,
      // The "after" picture first in the page (the one a single view shows); CSS puts "before" left of it.
      el('div', { class: 'step-frames' }, v.after, v.before),
      v.note,
    );
    if (v.panel.color) host.style.setProperty('--run-color', v.panel.color);
    return host;
  }

  private set(img: HTMLImageElement, frames: Frame[], at: number): string {
    const { frame, early } = frameAt(frames, at);
    if (!frame) {
      img.removeAttribute('src');
      img.alt = 'no pictures';
      return 'no pictures yet';
    }
    img.src = modelsUrl(frame.src);
    img.alt = frame.alt;
    img.dataset['epoch'] = String(frame.epoch);
    if (frame.step !== null) img.dataset['step'] = String(frame.step);
    img.classList.toggle('early', early);
    const where =
      frame.step !== null
        ? `epoch ${frame.epoch}, step ${frame.step.toLocaleString('en')}`
        : `epoch ${frame.epoch}`;
    return early ? `first picture: ${where}` : where;
  }

  /** Moves every panel to point `i` of the scale. */
  show(i: number): void {
    this.current = Math.max(0, Math.min(this.points.length - 1, i));
    const at = this.points[this.current] ?? 0;
    this.slider.value = String(this.current);
    for (const v of this.views) {
      const after = this.set(v.after, v.panel.frames, at);
      v.note.dataset['after'] = after;
      this.note(v);
    }
    this.caption.textContent = this.opts.caption(at);
    this.host.dataset['at'] = String(at);
    this.opts.onShow?.(at);
  }

  /** Moves every panel's "before" picture to point `i`. */
  showBefore(i: number): void {
    this.before = Math.max(0, Math.min(this.points.length - 1, i));
    const at = this.points[this.before] ?? 0;
    this.beforeSlider.value = String(this.before);
    for (const v of this.views) {
      v.note.dataset['before'] = this.set(v.before, v.panel.frames, at);
      this.note(v);
    }
    this.host.dataset['before'] = String(at);
  }

  private note(v: PanelView): void {
    const { after = '', before = '' } = v.note.dataset;
    v.note.textContent = this.compareBox.checked ? `before: ${before} · after: ${after}` : after;
  }

  private toggle(): void {
    if (this.timer !== undefined) return this.stop();
    if (this.current === this.points.length - 1) this.show(0);
    this.play.textContent = 'Pause';
    this.timer = setInterval(
      () => (this.current >= this.points.length - 1 ? this.stop() : this.show(this.current + 1)),
      400,
    );
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.play.textContent = 'Play';
  }
}
