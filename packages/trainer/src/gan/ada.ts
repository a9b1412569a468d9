/**
 * Adaptive augmentation (ADA, Karras et al. 2020): the probability p that an example is augmented
 * moves with an overfitting signal r_t = E[sign(D's score on the real examples it trains on)], the
 * score being D's output read as "real" above 0 (losses.ts's judge: the logit for the cross-entropy
 * losses and the two-class head's margin, the raw output for hinge and Wasserstein, the output − 0.5
 * for least squares). r_t near 1 means D tells every training image from a generated one: it is
 * overfitting. Every ADA_INTERVAL steps p moves by ±speed per 1,000 real images seen since the last
 * update, up when r_t is above the target and down when below, kept in [0, 1].
 */
import type { CheckpointAugment } from '@ganforge/contracts';

/** Steps between two updates of p (the paper's 4). */
export const ADA_INTERVAL = 4;

export interface AdaSettings {
  /** Whether p adapts (`--augmentP=auto`); otherwise it stays at its start. */
  adaptive: boolean;
  /** The r_t that p steers towards. */
  target: number;
  /** How far p may move per 1,000 real images. */
  speed: number;
}

/** Σ sign(score) over the real examples of the steps since the signal was last taken, and their count. */
export interface OverfitSignal {
  sum: number;
  count: number;
}

/** p and the signal gathered towards its next update: the state a checkpoint keeps. */
export class AdaptiveAugment {
  p: number;
  /** r_t of the last interval (undefined before the first). */
  overfitSignal: number | undefined;
  private sum: number;
  private count: number;

  constructor(
    private readonly settings: AdaSettings,
    state: CheckpointAugment,
  ) {
    this.p = state.p;
    this.sum = state.signalSum;
    this.count = state.signalCount;
    this.overfitSignal = state.overfitSignal;
  }

  /** Adds signal taken from the engine (sign sums are whole numbers: the order they add in is irrelevant). */
  add(s: OverfitSignal): void {
    this.sum += s.sum;
    this.count += s.count;
  }

  /** Ends an interval: r_t over it, and p's move. */
  update(s: OverfitSignal): void {
    this.add(s);
    if (this.count === 0) return;
    const r = this.sum / this.count;
    this.overfitSignal = r;
    if (this.settings.adaptive) {
      const move = Math.sign(r - this.settings.target) * ((this.count * this.settings.speed) / 1000);
      this.p = Math.min(1, Math.max(0, this.p + move));
    }
    this.sum = 0;
    this.count = 0;
  }

  state(): CheckpointAugment {
    return {
      p: this.p,
      signalSum: this.sum,
      signalCount: this.count,
      ...(this.overfitSignal !== undefined ? { overfitSignal: this.overfitSignal } : {}),
    };
  }
}
