/**
 * Slow motion, on the page: walks one training step through its stages (G makes the batch's points, D
 * classifies them, the loss, its gradients, the update; D's half, then G's), a stage a beat while
 * playing or one per "Next stage", saying in words what each does and lighting it in the model overview
 * and in the views. The worker runs the stages (staged.ts).
 */
import { el } from '../dom';
import type { StageView } from './protocol';
import type { Overview } from './views/overview';

/** Time between two stages while slow motion plays. */
export const STAGE_MS = 1100;

/** The views each stage uses (figure ids), lit while it shows. */
const LIT_VIEWS: Record<string, string[]> = {
  'D:generate': ['pg-fig-samples', 'pg-fig-transport'],
  'D:classify': ['pg-fig-samples', 'pg-fig-heatmap'],
  'D:loss': ['pg-fig-curves'],
  'D:gradients': ['pg-fig-heatmap'],
  'D:update': ['pg-fig-heatmap'],
  'G:generate': ['pg-fig-samples', 'pg-fig-transport'],
  'G:classify': ['pg-fig-samples', 'pg-fig-heatmap'],
  'G:loss': ['pg-fig-curves'],
  'G:gradients': ['pg-fig-samples'],
  'G:update': ['pg-fig-samples', 'pg-fig-transport'],
};

const mean = (a: Float32Array | undefined) =>
  a && a.length ? (a.reduce((s, v) => s + v, 0) / a.length).toFixed(3) : '–';
const f3 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(3));

/** What a stage does, in words, with its numbers. */
export function describeStage(v: StageView): string {
  const n = v.fake.length / 2;
  const key = `${v.phase}:${v.stage}`;
  switch (key) {
    case 'D:generate':
      return `G makes ${n} points from this step’s noise (purple rings), next to a batch of ${n} real points (green rings).`;
    case 'D:classify':
      return `D classifies both: mean D(real) ${mean(v.dReal)}, mean D(G(z)) ${mean(v.dFake)}. A ring’s outline is D’s verdict (dark green: “real”, dark purple: “fake”).`;
    case 'D:loss':
      return `D’s loss on the batch: ${f3(v.loss)}. It falls as D tells the real points from G’s.`;
    case 'D:gradients':
      return `D’s gradient, ‖∂L_D/∂θ_D‖ = ${f3(v.gradNorm)}: how D’s weights should move to lower its loss. G is frozen in this half.`;
    case 'D:update':
      return 'D’s weights take one optimizer step: the heat map moves.';
    case 'G:generate':
      return `G makes the same ${n} points again: G has not changed yet, D has.`;
    case 'G:classify':
      return `The updated D judges G’s points: mean D(G(z)) ${mean(v.dFake)}.`;
    case 'G:loss':
      return `G’s loss: ${f3(v.loss)}. It falls as D takes G’s points for real.`;
    case 'G:gradients':
      return 'G’s gradients: each pink line is −∂L_G/∂x at one of G’s points, the way G’s update moves it. D is frozen in this half.';
    default:
      return 'G’s weights take one optimizer step: the generated points move.';
  }
}

export class SlowMotion {
  readonly panel = el('div', { class: 'pg-slow', attrs: { id: 'pg-slow-panel' } });
  private readonly caption = el('p', {
    class: 'pg-stage',
    attrs: { id: 'pg-stage', 'aria-live': 'polite' },
  });
  private readonly progress = el('ol', { class: 'pg-stage-list', attrs: { id: 'pg-stage-list' } });
  on = false;
  private playing = false;
  private waiting = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The stages seen since slow motion was turned on (phase:stage), for tests and the console. */
  readonly seen: string[] = [];

  constructor(
    private readonly overview: Overview,
    private readonly ask: () => void,
    private readonly highlight: (stage: StageView | undefined) => void,
  ) {
    this.panel.append(el('div', { class: 'pg-overview-scroll' }, overview.host), this.progress, this.caption);
    this.caption.textContent =
      'Turn on slow motion to walk one training step through its stages, for D’s update and then G’s.';
  }

  setOn(on: boolean): void {
    this.on = on;
    this.seen.length = 0;
    this.pause();
    this.panel.classList.toggle('on', on);
    if (!on) {
      this.overview.show(undefined);
      this.highlight(undefined);
      this.lightViews(undefined);
      this.progress.replaceChildren();
    } else {
      this.caption.textContent = 'Slow motion: press “Next stage”, or Play to walk the stages.';
    }
  }

  /** Asks for the next stage now (Next stage), unless one is on its way. */
  next(): void {
    if (this.waiting) return;
    this.waiting = true;
    this.ask();
  }

  play(): void {
    this.playing = true;
    this.next();
  }

  pause(): void {
    this.playing = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** A stage arrived from the worker: say it, light it, and ask for the next one after a beat when playing. */
  show(v: StageView): void {
    this.waiting = false;
    this.seen.push(`${v.phase}:${v.stage}`);
    this.caption.textContent = `Step ${v.step}, ${v.phase === 'D' ? 'D’s update' : 'G’s update'} · stage ${v.index + 1} of ${v.total}: ${describeStage(v)}${v.done ? ' The step is done.' : ''}`;
    this.overview.show(v);
    this.highlight(v);
    this.lightViews(v);
    this.progress.replaceChildren(
      ...Array.from({ length: v.total }, (_, i) =>
        el('li', {
          class: i === v.index ? 'current' : i < v.index ? 'done' : '',
          text: `${i < 5 ? 'D' : 'G'} ${['generate', 'classify', 'loss', 'gradients', 'update'][i % 5]}`,
        }),
      ),
    );
    if (this.playing) this.timer = setTimeout(() => this.playing && this.next(), STAGE_MS);
  }

  private lightViews(v: StageView | undefined): void {
    const lit = v ? (LIT_VIEWS[`${v.phase}:${v.stage}`] ?? []) : [];
    for (const id of Object.values(LIT_VIEWS).flat()) {
      document.getElementById(id)?.classList.toggle('pg-lit', lit.includes(id));
    }
  }
}
