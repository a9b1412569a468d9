/** The per-epoch fixed-noise pictures as a scrubbable, playable sequence. */
import { el, modelsUrl } from '../dom';

const EPOCH_FILE = /epoch-(\d+)\.png$/;

export interface Timeline {
  host: HTMLElement;
  /** Shows picture `i` (0-based) and tells the listener its epoch. */
  show(i: number): void;
  dispose(): void;
}

export function timeline(samples: string[], runName: string, onEpoch: (epoch: number) => void): Timeline {
  const epochs = samples.map((s, i) => Number(EPOCH_FILE.exec(s)?.[1] ?? i + 1));
  const last = samples.length - 1;
  const img = el('img', { class: 'timeline-frame' });
  const caption = el('figcaption', { attrs: { 'aria-live': 'polite' } });
  const slider = el('input', {
    attrs: {
      type: 'range',
      id: 'epoch',
      min: '0',
      max: String(last),
      step: '1',
      value: String(last),
      'aria-label': 'epoch',
    },
  });
  const play = el('button', { attrs: { type: 'button', id: 'timeline-play' }, text: 'Play' });
  let timer: ReturnType<typeof setInterval> | undefined;
  let current = last;

  const show = (i: number) => {
    current = Math.max(0, Math.min(last, i));
    const epoch = epochs[current] ?? current + 1;
    img.src = modelsUrl(samples[current] ?? '');
    img.alt = `fixed-noise samples of ${runName} after epoch ${epoch} of ${epochs[last]}`;
    img.setAttribute('data-epoch', String(epoch));
    caption.textContent = `epoch ${epoch} of ${epochs[last]}`;
    slider.value = String(current);
    onEpoch(epoch);
  };
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    play.textContent = 'Play';
  };
  slider.addEventListener('input', () => {
    stop();
    show(Number(slider.value));
  });
  play.addEventListener('click', () => {
    if (timer !== undefined) return stop();
    if (current === last) show(0);
    play.textContent = 'Pause';
    timer = setInterval(() => (current >= last ? stop() : show(current + 1)), 400);
  });

  const host = el('figure', { class: 'timeline' }, img, el('div', { class: 'scrub' }, play, slider), caption);
  show(last);
  return { host, show, dispose: stop };
}
