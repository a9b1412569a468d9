/** Messages between the page and the generation worker (src/worker.ts). */
import type { GeneratorInfo, ModelProblem, SampleResult } from '@ganforge/inference';
import type { ModelSummary } from './model-summary';

export type ModelSourceMessage = { url: string } | { bytes: ArrayBuffer; fileName: string };

export type WorkerRequest =
  | { type: 'warm'; id: number; wasmPaths: string }
  | { type: 'load'; id: number; source: ModelSourceMessage; wasmPaths: string }
  | { type: 'sample'; id: number; count: number; seed: number; truncation?: number; labels?: number[] }
  | { type: 'interpolate'; id: number; from: Float32Array; to: Float32Array; steps: number; label?: number };

export type WorkerResponse =
  | { type: 'loaded'; id: number; info: GeneratorInfo; summary: ModelSummary; timings: LoadTimings }
  | { type: 'sampled'; id: number; result: SampleResult; ms: number }
  /** `reason`: why the SDK cannot use the model, when it said (a ModelInfoError). */
  | { type: 'error'; id: number; message: string; reason?: ModelProblem };

/** A stretch of time in epoch milliseconds (timeOrigin + now), comparable between page and worker. */
export interface Span {
  start: number;
  end: number;
}

/** Where a model load's time went in the worker (the page turns these into performance measures). */
export interface LoadTimings {
  /** The worker's script had loaded and started. */
  workerStart: number;
  /** The load request reached the worker. */
  received: number;
  /** Getting the model bytes (download, or nothing for a file the page already read). */
  fetch: Span;
  /** Starting onnxruntime-web's wasm runtime, alongside the download; null if it failed. */
  runtime: Span | null;
  /** Opening the model: parse, checks and the onnxruntime session (waiting for the runtime first). */
  open: Span;
  /** Summarising the graph for the model card. */
  summary: Span;
  /** The runtime's files as the worker fetched them (bytes as sent, compressed or not). */
  files: (Span & { name: string; bytes: number })[];
}

export type { GeneratorInfo, ModelProblem, ModelSummary, SampleResult };
