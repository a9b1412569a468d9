/**
 * The playground page: a GAN trains on 2-D data in a worker while the views show the data, D's
 * decision surface, G's transport of the latent grid, the curves and the 2-D metrics; in image mode it
 * trains on Fashion-MNIST and shows a sample grid, the curves and the evaluator's class coverage. The URL hash holds
 * the settings (the same link reproduces the run); Export converts G to ONNX in the page.
 */
import './playground.css';
import classifierInfo from '@ganforge/trainer/models/fmnist-classifier-v1/info.json';
import fashionNotice from '@ganforge/trainer/data/fashion-mnist/README.md?raw';
import { el } from '../dom';
import { TrainerClient } from './client';
import { Controls } from './controls';
import type { Snapshot } from './protocol';
import { DEFAULT_SETTINGS, parseHash, toHash, type PlaygroundSettings } from './settings';
import { Toolbar } from './toolbar';
import { CoverageView } from './views/coverage-view';
import { CurvesView } from './views/curves-view';
import { HeatmapView } from './views/heatmap-view';
import { ImageGridView } from './views/image-grid-view';
import { MetricsView } from './views/metrics-view';
import { SamplesView } from './views/samples-view';
import { TransportView } from './views/transport-view';

/** What tests (and curious users, from the console) can ask the page. */
export interface PlaygroundHandle {
  settings(): PlaygroundSettings;
  snapshot(): Snapshot | undefined;
  /** Trains until step `step`, then pauses (resolves once that step is drawn). */
  trainUntil(step: number): Promise<Snapshot>;
  /** G(z) of the model in training for count * latentDim latents. */
  sample(latents: number[]): Promise<number[]>;
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
const samples = new SamplesView();
const heatmap = new HeatmapView();
const transport = new TransportView();
const curves = new CurvesView();
const metrics = new MetricsView();
const generatedGrid = new ImageGridView('pg-image-grid', 'Generated images for 64 fixed latents');
const realGrid = new ImageGridView('pg-real-grid', 'Real Fashion-MNIST training images');
const coverage = new CoverageView(classifierInfo.classNames);
const pointViews = el('div', { class: 'pg-views', attrs: { id: 'pg-point-views' } });
const imageViews = el('div', { class: 'pg-views pg-image-views', attrs: { id: 'pg-image-views' } });
let curvesFigure: HTMLElement;
let imageCountText: HTMLElement;

let settings: PlaygroundSettings = DEFAULT_SETTINGS;
let last: Snapshot | undefined;
let pendingDraw: Snapshot | undefined;
let backendLabel = '…';
/** The backend the run is on: the share link pins it, so the link reproduces the run exactly. */
let backendName: PlaygroundSettings['backend'] = 'auto';
/** Points being drawn for the 'drawn' dataset, before they train. */
let sketch: number[] | null = null;
/** trainUntil calls waiting for their step to be drawn. */
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
    onSnapshot(m.snapshot, false);
  },
  snapshot: onSnapshot,
  error(message) {
    toolbar.setPlaying(false);
    toolbar.setBusy(false);
    showError(`Training stopped: ${message}`);
  },
});

function onSnapshot(s: Snapshot, playing: boolean): void {
  last = s;
  curves.add(s);
  toolbar.setPlaying(playing);
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
    if (sketch) samples.drawSketch(sketch);
    else samples.draw(s.fake);
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
  if (!keepMessage) showError('');
  history.replaceState(null, '', toHash(next) === '#' ? location.pathname : toHash(next));
  toolbar.setBusy(true);
  toolbar.setPlaying(false);
  client.send({ type: 'reset', settings: next });
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
    if (next.dataset === 'drawn' && sketch === null && next.drawn.length === 0) startSketch(next);
    else reset(next);
  },
  (problems, next) => {
    if (next.dataset === 'drawn' && next.drawn.length < 4) startSketch(next);
    else showError(`These settings cannot train: ${problems.join('; ')}.`);
  },
);

const toolbar = new Toolbar({
  play: () => client.send({ type: 'play' }),
  pause: () => client.send({ type: 'pause' }),
  step: () => client.send({ type: 'step' }),
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

function figure(title: string, caption: string, body: HTMLElement): HTMLElement {
  return el(
    'figure',
    { class: 'pg-view' },
    el('h2', { text: title }),
    body,
    el('figcaption', { text: caption }),
  );
}

/** Shows one mode's views (the curves go with them). */
function showMode(kind: 'points' | 'images'): void {
  const views = kind === 'images' ? imageViews : pointViews;
  pointViews.hidden = kind === 'images';
  imageViews.hidden = kind !== 'images';
  if (curvesFigure.parentElement !== views) views.insertBefore(curvesFigure, views.children[3] ?? null);
  app.dataset.mode = kind;
}

function layout(): void {
  document.title = 'GANForge playground';
  app.replaceChildren(
    el(
      'header',
      { class: 'page-head' },
      el('nav', {}, el('a', { attrs: { href: './' }, text: '← gallery' })),
      el('h1', { text: 'GAN playground' }),
      el(
        'p',
        { class: 'intro' },
        'A GAN trains on 2-D data in your browser while you watch: the discriminator’s judgement of the plane, where the generator sends its latent grid, the losses and the distance between the real and generated sets. Image mode trains the trainer’s MLP GAN or DCGAN on Fashion-MNIST. Export the generator as ONNX when you like it.',
      ),
    ),
    toolbar.host,
    statusLine,
    errorBox,
    el(
      'div',
      { class: 'pg-main' },
      controls.host,
      el('div', { class: 'pg-all-views' }, pointViews, imageViews),
    ),
  );
  curvesFigure = figure(
    'Training curves',
    'Mean losses and D’s accuracy between two drawn frames.',
    curves.canvas,
  );
  pointViews.append(
    figure(
      'Real and generated',
      'Green: real data. Purple: G(z) for 1000 fixed latents.',
      samples.plane.canvas,
    ),
    figure(
      'Discriminator',
      'D’s output over the plane: green where it says real, purple where it says fake.',
      heatmap.plane.canvas,
    ),
    figure(
      'Generator transport',
      'A grid of latent points (z₁, z₂ in [−2, 2], other coordinates 0) and where G sends it.',
      transport.plane.canvas,
    ),
    curvesFigure,
    figure(
      'Distance to the real data',
      'The project’s 2-D metrics on 1000 generated points: mode collapse keeps grid JS high.',
      metrics.host,
    ),
  );
  imageCountText = el('span', { text: 'Fashion-MNIST test images it trains on.' });
  const notice = el(
    'details',
    { class: 'pg-notice' },
    el('summary', { text: 'Fashion-MNIST: MIT License, © 2017 Zalando SE' }),
    el('pre', { text: fashionNotice }),
  );
  imageViews.append(
    figure(
      'Generated',
      'G(z) for 64 fixed latents, redrawn as it trains (inference mode, as the export runs it).',
      generatedGrid.canvas,
    ),
    el(
      'figure',
      { class: 'pg-view' },
      el('h2', { text: 'Real' }),
      realGrid.canvas,
      el('figcaption', {}, imageCountText, ' ', notice),
    ),
    figure(
      'Class coverage',
      `The evaluator’s classifier (the trainer’s, ${Math.round(classifierInfo.testAccuracy * 1000) / 10}% test accuracy) sorts 500 generated images every 200 steps; a class counts as covered with at least a quarter of its even share.`,
      coverage.host,
    ),
  );
  imageViews.hidden = true;
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
  sample: async (latents) => Array.from(await client.sample(Float32Array.from(latents))),
  clickLatencies: [],
};
window.playground = handle;
measureClicks(handle);
layout();
enableDrawing();
if (first.dataset === 'drawn' && first.drawn.length < 4) startSketch(first);
else reset(first, true);
