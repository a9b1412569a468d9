/** The latent walk between two samples: one frame shown large, played back and forth, scrubbable. */
import { el } from '../dom';
import { drawImage, tileImages, type ImageResult } from './image-grid';

const FRAME_MS = 80;

export class WalkView {
  readonly host: HTMLElement;
  private readonly frame = el('canvas', {
    class: 'walk-frame',
    attrs: { role: 'img', 'data-state': 'loading' },
  });
  private readonly strip = el('canvas', { class: 'walk-strip', attrs: { role: 'img' } });
  private readonly slider = el('input', {
    attrs: {
      type: 'range',
      id: 'walk-frame',
      min: '0',
      max: '0',
      step: '1',
      value: '0',
      'aria-label': 'walk frame',
    },
  });
  private readonly play = el('button', { attrs: { type: 'button', id: 'walk-play' }, text: 'Play' });
  private readonly caption = el('p', { class: 'walk-caption' });
  private frames: ImageResult | undefined;
  private current = 0;
  private direction = 1;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(controls: HTMLElement) {
    this.host = el(
      'section',
      { class: 'walk' },
      el('h2', { text: 'Latent walk' }),
      el(
        'p',
        { class: 'hint' },
        'A smooth path (slerp) through latent space between two samples. Open a sample to pick the ends.',
      ),
      controls,
      el('div', { class: 'walk-view' }, this.frame, el('div', { class: 'scrub' }, this.play, this.slider)),
      this.caption,
      this.strip,
    );
    this.slider.addEventListener('input', () => {
      this.stop();
      this.show(Number(this.slider.value));
    });
    this.play.addEventListener('click', () => (this.timer === undefined ? this.start() : this.stop()));
  }

  loading(): void {
    this.frame.setAttribute('data-state', 'loading');
  }

  setFrames(frames: ImageResult, from: string, to: string): void {
    this.frames = frames;
    this.slider.max = String(frames.count - 1);
    this.frame.setAttribute('data-frames', String(frames.count));
    this.frame.setAttribute('data-state', 'ready');
    this.caption.textContent = `${frames.count} frames from ${from} to ${to}`;
    const tiled = tileImages(frames, frames.count);
    this.strip.width = tiled.width;
    this.strip.height = tiled.height;
    this.strip.getContext('2d')?.putImageData(new ImageData(tiled.data, tiled.width, tiled.height), 0, 0);
    this.strip.setAttribute('aria-label', `all ${frames.count} frames of the walk from ${from} to ${to}`);
    this.show(0);
    if (!matchMedia('(prefers-reduced-motion: reduce)').matches) this.start();
  }

  private show(i: number): void {
    if (!this.frames) return;
    this.current = Math.max(0, Math.min(this.frames.count - 1, i));
    drawImage(this.frame, this.frames, this.current);
    this.slider.value = String(this.current);
    this.frame.setAttribute('data-frame', String(this.current));
    this.frame.setAttribute('aria-label', `latent walk, frame ${this.current + 1} of ${this.frames.count}`);
  }

  private start(): void {
    this.stop();
    this.play.textContent = 'Pause';
    this.timer = setInterval(() => {
      const n = this.frames?.count ?? 1;
      if (this.current + this.direction < 0 || this.current + this.direction >= n) this.direction *= -1;
      this.show(this.current + this.direction);
    }, FRAME_MS);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.play.textContent = 'Play';
  }
}
