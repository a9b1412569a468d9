/**
 * The playground's training worker: runs a Session (the trainer's step on TF.js, or in image mode on
 * the compiled step) and answers the page. Every request runs in order on one queue, so a reset or an
 * export never lands in the middle of a step.
 */
import { chooseBackend, type ChosenBackend } from './backend';
import { setRuntimePaths } from './compiled';
import type { FromWorker, ToWorker } from './protocol';
import type { PlaygroundSettings } from './settings';
import { ImageSession } from './images/image-session';
import { Session } from './session';

type RunSession = Session | ImageSession;

let session: RunSession | undefined;
let playing = false;
let stepsPerDraw = 10;
/** The step to pause at, when training was asked to stop there. */
let until = Infinity;
let queue: Promise<void> = Promise.resolve();

const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, { transfer });

function enqueue(task: () => Promise<void>, id?: number): void {
  queue = queue.then(task).catch((e: unknown) => {
    playing = false;
    post({ type: 'error', message: (e as Error).message ?? String(e), ...(id !== undefined ? { id } : {}) });
  });
}

/** What decides a step's cost: auto's verdict is kept per model. */
function modelKey(s: PlaygroundSettings): string {
  return JSON.stringify([
    s.mode,
    s.imageModel,
    s.model,
    s.hiddenG,
    s.hiddenD,
    s.activation,
    s.latentDim,
    s.loss,
    s.dSteps,
    s.batchSize,
  ]);
}

/**
 * A run with these settings; `engine` 'compiled' or 'webgpu': image mode on the compiled step (on the
 * CPU or the GPU), where it compiles.
 */
function openSession(s: PlaygroundSettings, engine: ChosenBackend['name']): RunSession | Promise<RunSession> {
  if (s.mode !== 'images') return new Session(s);
  return ImageSession.open(s, engine === 'compiled' ? 'wasm' : engine === 'webgpu' ? 'webgpu' : undefined);
}

/** The longest a trial's warm-up step may take before auto leaves its engine out. */
const WARM_UP_LIMIT_MS = 30_000;

/** Whether `work` settled within `ms` (it runs on either way). */
const within = (work: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([work.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

/**
 * Milliseconds per step of a throwaway run with these settings on `engine`, after warm-up. Image mode
 * times the run's own batch for about a second an engine (at least one step): auto there weighs the
 * compiled step (on WebGPU and on the CPU) against TF.js on wasm, and a small batch would mislead — at a
 * batch of 2 the compiled step's fixed cost (every weight and optimizer slot in and out of
 * onnxruntime-web's memory, the optimizer over every weight) hides how the two run the run's own
 * convolutions. A warm-up step (a GPU's first compiles its shaders) that takes over WARM_UP_LIMIT_MS
 * leaves the engine out rather than holding the page; the trial is dropped when that step ends.
 */
async function probe(s: PlaygroundSettings, engine: ChosenBackend['name']): Promise<number> {
  const images = s.mode === 'images';
  const trial = await openSession(s, engine);
  let busy: Promise<unknown> = Promise.resolve();
  try {
    if (trial instanceof ImageSession && trial.compiledRefused) throw new Error(trial.compiledRefused);
    for (let i = 0; i < (images ? 1 : 3); i++) {
      busy = trial.trainStep().then(() => trial.sync());
      if (!(await within(busy, WARM_UP_LIMIT_MS)))
        throw new Error(`a warm-up step took over ${WARM_UP_LIMIT_MS / 1000} s`);
    }
    const t0 = performance.now();
    const steps = images ? 4 : 12;
    let done = 0;
    while (done < steps) {
      await trial.trainStep();
      done++;
      if (images) {
        await trial.sync();
        if (performance.now() - t0 > 1000) break;
      }
    }
    await trial.sync();
    return (performance.now() - t0) / done;
  } finally {
    void busy.catch(() => {}).finally(() => trial.dispose());
  }
}

async function sendSnapshot(): Promise<void> {
  if (!session) return;
  post({ type: 'snapshot', snapshot: await session.snapshot(), playing });
}

/** How long a chunk trains before it lets messages in (a pause) between two steps. */
const LISTEN_EVERY_MS = 100;

/** Lets the messages that arrived during a step in (the page's pause sets `playing` to false). */
const listen = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Trains one chunk, draws, and lets queued messages in before the next chunk. Between two steps it
 * also listens whenever LISTEN_EVERY_MS have passed, so a pause takes effect after the step in progress
 * (image mode's steps take a second or more; a chunk of ten of them used to make a pause wait for all).
 */
async function chunk(): Promise<void> {
  if (!playing || !session) return;
  let heard = performance.now();
  for (let i = 0; i < stepsPerDraw && session.step < until && playing; i++) {
    await session.trainStep();
    if (performance.now() - heard > LISTEN_EVERY_MS) {
      await session.sync();
      await listen();
      heard = performance.now();
    }
  }
  if (session.step >= until) playing = false;
  await sendSnapshot();
  if (playing) setTimeout(() => enqueue(chunk), 0);
}

/** The 2-D session, for what only 2-D mode has (separate updates, slow motion). */
function pointSession(): Session {
  if (!(session instanceof Session))
    throw new Error('separate D and G steps and slow motion are for 2-D mode');
  return session;
}

function handle(msg: ToWorker): void {
  switch (msg.type) {
    case 'runtime':
      setRuntimePaths(msg.wasmPaths);
      return;
    case 'reset':
      playing = false;
      enqueue(async () => {
        session?.dispose();
        session = undefined;
        const backend = await chooseBackend(
          msg.settings.backend,
          (engine) => probe(msg.settings, engine),
          [],
          modelKey(msg.settings),
          msg.settings.mode === 'images',
        );
        session = await openSession(msg.settings, backend.name);
        const snapshot = await session.snapshot();
        const images =
          session instanceof ImageSession
            ? { realImages: session.realImages, imageCount: session.data.count }
            : {};
        // Models the compiled step cannot compile train on TF.js (on wasm), saying why.
        const refused = session instanceof ImageSession ? session.compiledRefused : undefined;
        post({
          type: 'ready',
          backendName: refused ? 'wasm' : backend.name,
          backend: refused ? 'TF.js wasm' : backend.label,
          backendNote: refused ? `the compiled step does not take this run (${refused})` : backend.note,
          real: session.real,
          bounds: session.bounds,
          gaussianTarget: session.gaussianTarget(),
          snapshot,
          ...images,
        });
      });
      return;
    case 'play':
      until = msg.until ?? Infinity;
      if (!playing) {
        playing = true;
        enqueue(chunk);
      }
      return;
    case 'pause':
      playing = false;
      enqueue(sendSnapshot);
      return;
    case 'step':
      playing = false;
      enqueue(async () => {
        await session?.trainStep();
        await sendSnapshot();
      });
      return;
    case 'phase':
      playing = false;
      enqueue(async () => {
        await pointSession().staged.phase(msg.which);
        await sendSnapshot();
      });
      return;
    case 'stage':
      playing = false;
      enqueue(async () => {
        const s = pointSession();
        const stage = await s.staged.stage();
        const snapshot = await s.snapshot({ figures: stage.done });
        post({ type: 'snapshot', snapshot: { ...snapshot, stage }, playing });
      });
      return;
    case 'tune':
      enqueue(async () => {
        await session?.tune(msg.settings);
        if (!playing) await sendSnapshot();
      });
      return;
    case 'speed':
      stepsPerDraw = Math.max(1, Math.min(500, Math.round(msg.stepsPerDraw)));
      return;
    default:
      answer(msg);
  }
}

/** Requests answered with an id: samples, the weights, the ONNX file, the run archive. */
function answer(msg: ToWorker): void {
  switch (msg.type) {
    case 'weights':
      enqueue(async () => {
        if (!session) throw new Error('no model yet: wait for the page to load');
        const values = session instanceof Session ? session.weights() : new Float32Array(0);
        post({ type: 'weights', id: msg.id, values }, [values.buffer]);
      }, msg.id);
      return;
    case 'sample':
      enqueue(async () => {
        if (!session) throw new Error('no model yet: wait for the page to load');
        const points = await session.sample(msg.latents);
        post({ type: 'samples', id: msg.id, points }, [points.buffer]);
      }, msg.id);
      return;
    case 'export':
      enqueue(async () => {
        if (!session) throw new Error('no model yet: wait for the page to load');
        const { bytes, metadata } = await session.exportOnnx();
        post({ type: 'exported', id: msg.id, bytes, metadata }, [bytes.buffer as ArrayBuffer]);
      }, msg.id);
      return;
    case 'archive':
      enqueue(async () => {
        if (!session) throw new Error('no model yet: wait for the page to load');
        const bytes = await session.runArchive();
        post({ type: 'archive', id: msg.id, bytes, name: session.name }, [bytes.buffer as ArrayBuffer]);
      }, msg.id);
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => handle(e.data);
