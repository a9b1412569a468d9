/** Messages between the page and the generation worker (src/worker.ts). */
import type { GeneratorInfo, SampleResult } from '@ganforge/inference';
import type { ModelSummary } from './model-summary';

export type ModelSourceMessage = { url: string } | { bytes: ArrayBuffer; fileName: string };

export type WorkerRequest =
  | { type: 'load'; id: number; source: ModelSourceMessage; wasmPaths: string }
  | { type: 'sample'; id: number; count: number; seed: number; truncation?: number; labels?: number[] }
  | { type: 'interpolate'; id: number; from: Float32Array; to: Float32Array; steps: number; label?: number };

export type WorkerResponse =
  | { type: 'loaded'; id: number; info: GeneratorInfo; summary: ModelSummary; timings: LoadTimings }
  | { type: 'sampled'; id: number; result: SampleResult; ms: number }
  | { type: 'error'; id: number; message: string };

/** Milliseconds the worker spent getting the model bytes, and opening them with onnxruntime-web. */
export interface LoadTimings {
  fetchMs: number;
  openMs: number;
}

export type { GeneratorInfo, ModelSummary, SampleResult };
