/**
 * The compiled engine's home in a browser (or any JavaScript runtime): onnxruntime-web, the module
 * handed in by the caller, so the trainer's browser entry bundles no runtime of its own (a page aliases
 * and serves onnxruntime-web as it likes).
 *
 * - `wasm` (the default): the step on the CPU. Its threads are onnxruntime-web's global setting
 *   (`ort.env.wasm.numThreads`, more than one only where the page is cross-origin isolated), which the
 *   caller sets before the first session opens; the state is what each step returns (ReturnedState).
 * - `webgpu`: the step on the browser's GPU, the module being onnxruntime-web's WebGPU build (its
 *   adapter is `ort.env.webgpu`'s); weights, optimizer slots and the EMA of G stay in GPU memory
 *   between steps (DeviceState), so a step copies the batch in and the figures out. Operations without
 *   a WebGPU kernel run on the CPU inside the step, as onnxruntime-web places them.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { EngineModels } from '../types';
import { OnnxEngine, type CompiledStepOptions } from './engine';
import { openOnDevice, openSessions } from './home';
import type { Ort, SessionOptions } from './ort';
import { ReturnedState } from './state-store';

export interface WebEngineOptions extends CompiledStepOptions {
  /** onnxruntime-web's provider for the step: 'wasm' (default) or 'webgpu' (its WebGPU build). */
  provider?: 'wasm' | 'webgpu';
  /** The provider as the engine names it ("wasm, 4 threads"); default the provider's name. */
  device?: string;
}

const SESSION: SessionOptions = {
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
  const provider = opts.provider ?? 'wasm';
  const options: SessionOptions = { ...SESSION, executionProviders: [provider] };
  return OnnxEngine.create(
    ort,
    tf,
    models,
    { config, batch, dataShape },
    {
      open: async (request) => ({
        device: opts.device ?? provider,
        ...(provider === 'webgpu'
          ? await openOnDevice(ort, request, options)
          : {
              steps: await openSessions(ort, request.specs, options),
              store: new ReturnedState(ort, request.state),
            }),
      }),
    },
  );
}
