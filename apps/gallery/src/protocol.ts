/** Messages between the page and the generation worker (src/worker.ts). */
import type { GeneratorInfo, SampleResult } from '@ganforge/inference';

export type WorkerRequest =
  | { type: 'load'; id: number; modelUrl: string; wasmPaths: string }
  | { type: 'sample'; id: number; count: number; seed: number };

export type WorkerResponse =
  | { type: 'loaded'; id: number; info: GeneratorInfo }
  | { type: 'sampled'; id: number; result: SampleResult }
  | { type: 'error'; id: number; message: string };

export type { GeneratorInfo, SampleResult };
