/**
 * A generator page's model, loaded in the generation worker from the run's URL or the opened file's
 * bytes (with a run's real points). A run page's load may start before the page does (startEarlyLoad).
 */
import { modelsUrl, runtimeUrl } from '../../dom';
import { GeneratorClient } from '../../generator-client';
import type { ManifestRun } from '../../manifest';
import { fetchRunFile } from '../../offline-protocol';
import type { GeneratorInfo, LoadTimings, ModelSummary } from '../../protocol';

export type PageSource =
  { kind: 'run'; run: ManifestRun } | { kind: 'file'; name: string; bytes: ArrayBuffer };

export interface Loaded {
  info: GeneratorInfo;
  summary: ModelSummary;
  realPoints: Float32Array | null;
}

/** A run whose generator has not been exported yet: its page shows the training only. */
export class NotExported extends Error {
  override name = 'NotExported';
}

/** A JSON file of a run, under models/ (through the offline layer). */
export async function fetchJson(path: string): Promise<unknown> {
  const res = await fetchRunFile(modelsUrl(path), path);
  if (!res.ok) throw new Error(`could not load ${path} (HTTP ${res.status}); rebuild the gallery`);
  return res.json();
}

/** The worker's load timings as performance measures on the page's clock (`ganforge:*`, read by the bench). */
function recordLoad(t: LoadTimings): void {
  const at = (epoch: number) => Math.max(0, epoch - performance.timeOrigin);
  const span = (name: string, s: { start: number; end: number }) =>
    performance.measure(`ganforge:${name}`, { start: at(s.start), end: at(s.end) });
  performance.mark('ganforge:worker-start', { startTime: at(t.workerStart) });
  performance.mark('ganforge:load-received', { startTime: at(t.received) });
  span('model-fetch', t.fetch);
  if (t.runtime) span('runtime', t.runtime);
  for (const f of t.files) {
    performance.measure(`ganforge:file:${f.name}`, {
      start: at(f.start),
      end: at(f.end),
      detail: { bytes: f.bytes },
    });
  }
  span('model-open', t.open);
  span('model-summary', t.summary);
  performance.mark('ganforge:loaded');
}

/** A model load started before the page was built (see startEarlyLoad). */
export interface EarlyLoad {
  url: string;
  client: GeneratorClient;
  loading: ReturnType<GeneratorClient['load']>;
}

/**
 * Starts the worker and the model download for a run page straight away, while the manifest is still
 * loading: starting the runtime is most of a first visit's wait.
 */
export function startEarlyLoad(onnxPath: string): EarlyLoad {
  const client = new GeneratorClient();
  const url = modelsUrl(onnxPath);
  performance.mark('ganforge:load-start');
  const loading = client.load({ url }, runtimeUrl());
  loading.catch(() => undefined); // the page reports failures, if it is ever built
  return { url, client, loading };
}

/** Loads `source`'s generator in `client`'s worker (or takes the early load of the same model). */
export async function loadGenerator(
  source: PageSource,
  client: GeneratorClient,
  early: EarlyLoad | undefined,
): Promise<Loaded> {
  const wasmPaths = runtimeUrl();
  // Where a first visit's time goes (read by the bench): page start to load request, then the worker.
  if (!early) performance.mark('ganforge:load-start');
  const timed = <T extends { timings: LoadTimings }>(loaded: T): T => {
    recordLoad(loaded.timings);
    return loaded;
  };
  if (source.kind === 'file') {
    const { info, summary } = timed(
      await client.load({ bytes: source.bytes, fileName: source.name }, wasmPaths),
    );
    return { info, summary, realPoints: null };
  }
  const { files } = source.run;
  const onnx = files.onnx;
  if (!onnx) throw new NotExported(`no generator.onnx yet`);
  const [{ info, summary }, real] = await Promise.all([
    (early?.url === modelsUrl(onnx) ? early.loading : client.load({ url: modelsUrl(onnx) }, wasmPaths)).then(
      timed,
    ),
    files.realPoints ? fetchJson(files.realPoints) : Promise.resolve(null),
  ]);
  const points = (real as { points?: [number, number][] } | null)?.points;
  return { info, summary, realPoints: points ? Float32Array.from(points.flat()) : null };
}
