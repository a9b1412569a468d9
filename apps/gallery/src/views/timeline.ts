/**
 * A run's per-epoch fixed-noise pictures as a scrubbable, playable sequence, with a before / after view
 * (the step slider's, views/step-slider.ts, with one panel).
 */
import { StepSlider, type Frame } from './step-slider';

const EPOCH_FILE = /epoch-(\d+)\.png$/;

export interface Timeline {
  host: HTMLElement;
  /** Shows picture `i` (0-based) and tells the listener its epoch. */
  show(i: number): void;
  dispose(): void;
}

/** The epoch of each picture file (epoch-0003.png: 3), by its place when the name says none. */
export function epochsOf(samples: string[]): number[] {
  return samples.map((s, i) => Number(EPOCH_FILE.exec(s)?.[1] ?? i + 1));
}

/** `describe`: how an epoch reads under the picture ("epoch 3 of 10"); by default, of the last picture's. */
export function timeline(
  samples: string[],
  runName: string,
  onEpoch: (epoch: number) => void,
  describe?: (epoch: number) => string,
): Timeline {
  const epochs = epochsOf(samples);
  const lastEpoch = epochs[epochs.length - 1];
  const say = describe ?? ((epoch: number) => `epoch ${epoch} of ${lastEpoch}`);
  const frames: Frame[] = samples.map((src, i) => ({
    at: epochs[i]!,
    epoch: epochs[i]!,
    step: null,
    src,
    alt: `fixed-noise samples of ${runName} after ${say(epochs[i]!)}`,
  }));
  const slider = new StepSlider([{ key: runName, frames }], {
    id: 'epoch',
    playId: 'timeline-play',
    name: 'epoch',
    frameClass: 'timeline-frame',
    className: 'timeline',
    caption: say,
    onShow: onEpoch,
  });
  return { host: slider.host, show: (i) => slider.show(i), dispose: () => slider.stop() };
}
