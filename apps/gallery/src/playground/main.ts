/**
 * The playground page: a GAN trains on 2-D data in a worker while the views show the data, D's
 * decision surface, G's gradients and manifold, G's transport of the latent grid, the curves and the 2-D
 * metrics; D's and G's updates can run alone, or a step can be walked through in slow motion with the
 * model overview lit stage by stage. In image mode it trains on Fashion-MNIST and shows a sample grid,
 * the curves and the evaluator's class coverage. The URL hash holds the settings (the same link
 * reproduces the run); the objective and optimizer change live; Export converts G to ONNX in the page.
 */
import './playground.css';
import classifierInfo from '@ganforge/trainer/models/fmnist-classifier-v1/info.json';
import { el } from '../dom';
import { TrainerClient } from './client';
import { Controls } from './controls';
import { layout } from './layout';
import type { Snapshot, StageView } from './protocol';
import { DEFAULT_SETTINGS, liveChanges, parseHash, toHash, type PlaygroundSettings } from './settings';
import { SlowMotion } from './slow-motion';
import { Toolbar } from './toolbar';
import { CoverageView } from './views/coverage-view';
import { CurvesView } from './views/curves-view';
import { HeatmapView } from './views/heatmap-view';
import { ImageGridView } from './views/image-grid-view';
import { MetricsView } from './views/metrics-view';
import { Overview } from './views/overview';
import { SamplesView, type GradientLine } from './views/samples-view';
import { TransportView } from './views/transport-view';

/** What tests (and curious users, from the console) can ask the page. */
export interface PlaygroundHandle {
  settings(): PlaygroundSettings;
  snapshot(): Snapshot | undefined;
  /** Trains until step `step`, then pauses (resolves once that step is drawn). */
  trainUntil(step: number): Promise<Snapshot>;
  /** The next snapshot drawn (after a button's work, say). */
  nextSnapshot(): Promise<Snapshot>;
  /** G(z) of the model in training for count * latentDim latents. */
  sample(latents: number[]): Promise<number[]>;
  /** Every weight of G, then D, flattened (2-D mode). */
  weights(): Promise<number[]>;
  /** The gradient lines the main view drew last, in data units. */
  gradientLines(): GradientLine[];
  /** Slow motion: the stages shown since it was turned on ("D:generate", …), and the overview's lit nodes. */
  stages(): string[];
  overviewLit(): string[];
  /** Milliseconds from each click to the next frame after it was handled. */
  clickLatencies: number[];
}

declare global {
  interface Window {
    playground?: PlaygroundHandle;
  }
}

const app = document.getElementById('app')!;
const errorBox = el('p', { class: 'pg-error', attrs: { id: 'pg-error', role: 'alert' } });
const statusLine = el('p', { class: 'pg-status', attrs: { id: 'pg-status', role: 'status' } });
const liveNote = el('p', { class: 'pg-live-note', attrs: { id: 'pg-live-note', 'aria-live': 'polite' } });
const samples = new SamplesView();
const heatmap = new HeatmapView();
const transport = new TransportView();
const curves = new CurvesView();
const metrics = new MetricsView();
const overview = new Overview();
const generatedGrid = new ImageGridView('pg-image-grid', 'Generated images for 64 fixed latents');
const realGrid = new ImageGridView('pg-real-grid', 'Real Fashion-MNIST training images');
const coverage = new CoverageView(classifierInfo.classNames);
const pointViews = el('div', { class: 'pg-views', attrs: { id: 'pg-point-views' } });
const imageViews = el('div', { class: 'pg-views pg-image-views', attrs: { id: 'pg-image-views' } });

let settings: PlaygroundSettings = DEFAULT_SETTINGS;
let last: Snapshot | undefined;
let pendingDraw: Snapshot | undefined;
let backendLabel = '…';
let ready = false;
/** The worker is training on its own (play), as its last snapshot said. */
let workerPlaying = false;
/** The backend the run is on: the share link pins it, so the link reproduces the run exactly. */
let backendName: PlaygroundSettings['backend'] = 'auto';
/** Points being drawn for the 'drawn' dataset, before they train. */
let sketch: number[] | null = null;
/** trainUntil calls waiting for their step to be drawn, and nextSnapshot calls. */
const waiters: { step: number; resolve: (s: Snapshot) => void }[] = [];

function showError(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = message === '';
}

function initialSettings(): PlaygroundSettings {
  if (!location.hash) return DEFAULT_SETTINGS;
  try {
    return parseHash(location.hash);
  } catch (e) {
    showError(
      `${(e as Error).message} Starting from the defaults instead; fix the link or pick settings below.`,
    );
    return DEFAULT_SETTINGS;
  }
}

const slow = new SlowMotion(
  overview,
  () => client.send({ type: 'stage' }),
  (stage: StageView | undefined) => samples.setStage(stage),
);

const client = new TrainerClient({
  ready(m) {
    backendLabel = m.backend;
    backendName = m.backendName;
    statusLine.dataset.backend = m.backend;
    toolbar.setBackend(`${m.backend} (${m.backendNote})`);
    for (const v of [samples, heatmap, transport]) v.setReal(m.real, m.bounds);
    showMode(m.snapshot.kind);
    if (m.realImages && m.snapshot.imageShape) realGrid.draw(m.realImages, m.snapshot.imageShape);
    if (m.imageCount) {
      imageCountText.textContent = `The first 64 of the ${m.imageCount} Fashion-MNIST test images it trains on.`;
    }
    curves.reset();
    metrics.reset();
    metrics.gaussianTarget = m.gaussianTarget;
    toolbar.setBusy(false);
    ready = true;
    onSnapshot(m.snapshot, false);
  },
  snapshot: onSnapshot,
  error(message) {
    toolbar.setPlaying(false);
    toolbar.setBusy(false);
    slow.pause();
    showError(`Training stopped: ${message}`);
  },
});

function onSnapshot(s: Snapshot, playing: boolean): void {
  last = s;
  workerPlaying = playing;
  curves.add(s);
  if (s.stage) slow.show(s.stage);
  toolbar.setPlaying(playing || slow.isPlaying);
  overview.setRunning(playing);
  if (!pendingDraw) requestAnimationFrame(draw);
  pendingDraw = s;
}

/** Draws the latest snapshot once per frame, however many arrived. */
function draw(): void {
  const s = pendingDraw;
  pendingDraw = undefined;
  if (!s) return;
  if (s.kind === 'images') {
    if (s.images && s.imageShape) generatedGrid.draw(s.images, s.imageShape);
    coverage.update(s);
  } else {
    // A stage is shown over the views only while slow motion is on and the snapshot carries it.
    if (!s.stage || !slow.on) samples.setStage(undefined);
    if (sketch) samples.drawSketch(sketch);
    else samples.draw(s);
    heatmap.draw(s);
    transport.draw(s);
    metrics.update(s);
  }
  curves.draw();
  statusLine.textContent = `Step ${s.step} · ${backendLabel}`;
  app.dataset.step = String(s.step);
  for (let i = waiters.length - 1; i >= 0; i--) {
    if (s.step >= waiters[i]!.step) waiters.splice(i, 1)[0]!.resolve(s);
  }
}

/** Starts a new run; `keepMessage` leaves a message about the link that opened the page in view. */
function reset(next: PlaygroundSettings, keepMessage = false): void {
  settings = next;
  sketch = null;
  ready = false;
  liveNote.textContent = '';
  if (!keepMessage) showError('');
  history.replaceState(null, '', toHash(next) === '#' ? location.pathname : toHash(next));
  toolbar.setBusy(true);
  toolbar.setPlaying(false);
  slow.pause();
  client.send({ type: 'reset', settings: next });
}

/** The objective, optimizer or noise changed: the run goes on with them from its current step. */
function tune(next: PlaygroundSettings, changed: string[]): void {
  settings = next;
  showError('');
  history.replaceState(null, '', toHash(next) === '#' ? location.pathname : toHash(next));
  client.send({ type: 'tune', settings: next });
  liveNote.textContent = `Changed while training, at step ${last?.step ?? 0}: ${changed
    .map((k) => `${k} → ${String(next[k as keyof PlaygroundSettings])}`)
    .join(
      ', ',
    )}. The run goes on from there (the optimizers keep their state where they can); the link starts a new run with these settings.`;
}

function startSketch(next: PlaygroundSettings): void {
  settings = next;
  sketch = [...next.drawn];
  samples.setReal([], [-3, 3, -3, 3]);
  samples.drawSketch(sketch);
  toolbar.setSketching(true);
  showError(
    'Click or drag on the “Real and generated” canvas to draw points, then press “Train on drawing”.',
  );
}

errorBox.hidden = true;
const first = initialSettings();
const controls = new Controls(
  first,
  (next) => {
    const live = ready && !sketch ? liveChanges(settings, next) : null;
    if (live) tune(next, live);
    else if (next.dataset === 'drawn' && sketch === null && next.drawn.length === 0) startSketch(next);
    else reset(next);
  },
  (problems, next) => {
    if (next.dataset === 'drawn' && next.drawn.length < 4) startSketch(next);
    else showError(`These settings cannot train: ${problems.join('; ')}.`);
  },
);

const toolbar = new Toolbar({
  play: () => (slow.on ? slow.play() : client.send({ type: 'play' })),
  pause: () => (slow.on ? slow.pause() : client.send({ type: 'pause' })),
  step: () => client.send({ type: 'step' }),
  phase: (which) => client.send({ type: 'phase', which }),
  slowMotion: (on) => {
    if (on && workerPlaying) client.send({ type: 'pause' });
    toolbar.setPlaying(false);
    slow.setOn(on);
    if (!on && last) onSnapshot(last, false);
  },
  nextStage: () => slow.next(),
  reset: () => reset(settings),
  speed: (stepsPerDraw) => client.send({ type: 'speed', stepsPerDraw }),
  exportOnnx: () => client.exportOnnx(),
  runArchive: () => client.runArchive(),
  link: () => `${location.origin}${location.pathname}${toHash({ ...settings, backend: backendName })}`,
  trainSketch: () => {
    if (!sketch || sketch.length < 4) {
      showError('Draw at least 2 points first: click or drag on the “Real and generated” canvas.');
      return;
    }
    const next = { ...settings, dataset: 'drawn' as const, drawn: sketch };
    toolbar.setSketching(false);
    controls.fill(next);
    reset(next);
  },
  clearSketch: () => {
    sketch = [];
    samples.drawSketch(sketch);
  },
  showError,
});

/** Drawing: a click adds a point, a drag adds one every few pixels. */
function enableDrawing(): void {
  const canvas = samples.plane.canvas;
  let down = false;
  let lastAt: [number, number] | null = null;
  const add = (e: PointerEvent) => {
    if (!sketch) return;
    if (lastAt && Math.hypot(e.clientX - lastAt[0], e.clientY - lastAt[1]) < 6) return;
    lastAt = [e.clientX, e.clientY];
    const [x, y] = samples.plane.toPlane(e.clientX, e.clientY);
    // Rounded as the share link stores them, so a shared drawing trains identically.
    sketch.push(Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000);
    samples.drawSketch(sketch);
  };
  canvas.addEventListener('pointerdown', (e) => {
    down = true;
    lastAt = null;
    add(e);
  });
  canvas.addEventListener('pointermove', (e) => down && add(e));
  window.addEventListener('pointerup', () => (down = false));
}

/** Shows one mode's views (the curves go with them). */
function showMode(kind: 'points' | 'images'): void {
  const views = kind === 'images' ? imageViews : pointViews;
  pointViews.hidden = kind === 'images';
  imageViews.hidden = kind !== 'images';
  slow.panel.hidden = kind === 'images';
  toolbar.setMode(kind);
  if (curvesFigure.parentElement !== views) views.insertBefore(curvesFigure, views.children[3] ?? null);
  app.dataset.mode = kind;
}

function measureClicks(handle: PlaygroundHandle): void {
  document.addEventListener(
    'click',
    (e) => {
      const t = e.timeStamp;
      requestAnimationFrame(() => handle.clickLatencies.push(performance.now() - t));
    },
    true,
  );
}

const handle: PlaygroundHandle = {
  settings: () => settings,
  snapshot: () => last,
  trainUntil: (step) =>
    new Promise((resolve) => {
      waiters.push({ step, resolve });
      client.send({ type: 'play', until: step });
      toolbar.setPlaying(true);
    }),
  nextSnapshot: () => new Promise((resolve) => waiters.push({ step: -1, resolve })),
  sample: async (latents) => Array.from(await client.sample(Float32Array.from(latents))),
  weights: async () => Array.from(await client.weights()),
  gradientLines: () => samples.lastGradients,
  stages: () => [...slow.seen],
  overviewLit: () => overview.active(),
  clickLatencies: [],
};
window.playground = handle;
measureClicks(handle);
const { curvesFigure, imageCountText } = layout(app, {
  toolbar: toolbar.host,
  statusLine,
  errorBox,
  controls: controls.host,
  slowPanel: el(
    'section',
    { class: 'pg-overview-box', attrs: { 'aria-label': 'Model overview' } },
    slow.panel,
    liveNote,
  ),
  pointViews,
  imageViews,
  samples: { canvas: samples.plane.canvas, toggles: samples.toggles },
  heatmap: heatmap.plane.canvas,
  transport: transport.plane.canvas,
  curves: curves.host,
  metrics: metrics.host,
  generatedGrid: generatedGrid.canvas,
  realGrid: realGrid.canvas,
  coverage: coverage.host,
});
enableDrawing();
if (first.dataset === 'drawn' && first.drawn.length < 4) startSketch(first);
else reset(first, true);
