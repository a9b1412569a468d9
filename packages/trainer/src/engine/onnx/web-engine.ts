/**
 * The compiled engine's home in a browser (or any JavaScript runtime): onnxruntime-web's wasm
 * provider, the module handed in by the caller, so the trainer's browser entry bundles no runtime of
 * its own (a page aliases and serves onnxruntime-web as it likes). Its threads are onnxruntime-web's
 * global setting (`ort.env.wasm.numThreads`, more than one only where the page is cross-origin
 * isolated), which the caller sets before the first session opens.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { EngineModels } from '../types';
import { OnnxEngine, type CompiledStepOptions } from './engine';
import { openSessions } from './home';
import type { Ort, SessionOptions } from './ort';
import { ReturnedState } from './state-store';

export interface WebEngineOptions extends CompiledStepOptions {
  /** The provider as the engine names it ("wasm, 4 threads"); default "wasm". */
  device?: string;
}

const SESSION: SessionOptions = {
  executionProviders: ['wasm'],
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

/**
 * The compiled engine on `ort` (onnxruntime-web, or any module with its API); throws
 * UncompilableError (with the reason) where the models or options cannot be compiled.
 */
export function createWebEngine(
  ort: Ort,
  tf: typeof tfTypes,
  models: EngineModels,
  opts: WebEngineOptions,
): Promise<OnnxEngine> {
  const { config, batch, dataShape } = opts;
  return OnnxEngine.create(
    ort,
    tf,
    models,
    { config, batch, dataShape },
    {
      open: async ({ specs, state }) => ({
        device: opts.device ?? 'wasm',
        steps: await openSessions(ort, specs, SESSION),
        store: new ReturnedState(ort, state),
      }),
    },
  );
}
