/**
 * Opening the onnxruntime session: the SDK's default options, onnxruntime's logging kept to errors, and
 * the execution providers tried in order, so that ['webgpu', 'cpu'] falls back to the CPU where no
 * WebGPU adapter exists (onnxruntime-node itself fails the whole session instead).
 */
import { OnnxModelLoadError } from './errors';
import type { OrtLike, OrtSessionLike } from './backend';
import type { ExecutionProviders, LoadOptions, SessionOptions } from './types';

/**
 * Session options the SDK uses unless told otherwise: full graph optimisation (fuses BatchNorm into
 * convolutions, ReLU into Conv/Gemm), one generator call at a time per session, and onnxruntime's log
 * kept to errors (its warnings, e.g. about initializers a graph does not use, would otherwise go to the
 * app's stderr or console; pass `logSeverityLevel: 2` to see them). onnxruntime's intra-op threads keep
 * spinning between calls, its own default and the fastest on an idle machine; where the CPU is shared (a
 * busy service, several sessions), pass
 * `sessionOptions: { extra: { session: { intra_op: { allow_spinning: '0' } } } }`: measured on a
 * 2-core machine under heavy load, a DCGAN-28 call then took 1.1 ms instead of 11 ms at batch 1.
 */
export const DEFAULT_SESSION_OPTIONS: Readonly<SessionOptions> = {
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  logSeverityLevel: 3,
};

/** What the entry tells the runtime-neutral code about its onnxruntime. */
export interface RuntimeInfo {
  /** The provider onnxruntime uses when none is asked for, and the fallback to suggest: 'cpu' or 'wasm'. */
  defaultProvider: string;
}

export interface OpenedSession {
  session: OrtSessionLike;
  /** The execution provider the session runs on. */
  provider: string;
}

const providerName = (ep: ExecutionProviders[number]): string => (typeof ep === 'string' ? ep : ep.name);

/**
 * Opens a session on the first of the asked providers that starts. Each try names one provider, so the
 * one used is known (onnxruntime-web would otherwise drop an unavailable provider without saying so);
 * onnxruntime itself still runs any operator that provider lacks on the CPU.
 */
export async function openSession(
  bytes: Uint8Array,
  options: LoadOptions,
  ort: OrtLike,
  runtime: RuntimeInfo,
): Promise<OpenedSession> {
  const { executionProviders: inSession, ...rest } = options.sessionOptions ?? {};
  const providers = options.executionProviders ?? inSession;
  const base: SessionOptions = { ...DEFAULT_SESSION_OPTIONS, ...rest };
  if (!providers || providers.length === 0) {
    return { session: await create(bytes, base, ort, undefined, runtime), provider: runtime.defaultProvider };
  }
  for (let i = 0; ; i++) {
    try {
      const session = await ort.InferenceSession.create(bytes, {
        ...base,
        executionProviders: [providers[i]!],
      });
      return { session, provider: providerName(providers[i]!) };
    } catch (err) {
      if (i === providers.length - 1)
        throw startFailure(err, providerName(providers[i]!), providers.length, runtime);
    }
  }
}

async function create(
  bytes: Uint8Array,
  options: SessionOptions,
  ort: OrtLike,
  provider: string | undefined,
  runtime: RuntimeInfo,
): Promise<OrtSessionLike> {
  try {
    return await ort.InferenceSession.create(bytes, options);
  } catch (err) {
    throw startFailure(err, provider ?? runtime.defaultProvider, 1, runtime);
  }
}

/** onnxruntime's message on one line, without the source location and failed check it starts with. */
export function ortMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = message.split('\n')[0]!.trim();
  return line.replace(/^\S+\.(?:cc|cpp|h):\d+ .*? was false\. /, '');
}

/**
 * Why the last provider tried could not open the model: a provider that could not start (no WebGPU
 * adapter, a provider this build lacks) says so and how to fall back; anything else is the model's fault.
 */
function startFailure(
  err: unknown,
  provider: string,
  asked: number,
  runtime: RuntimeInfo,
): OnnxModelLoadError {
  const why = ortMessage(err);
  const fallback = runtime.defaultProvider;
  const providerFailed =
    provider !== fallback &&
    (/adapter|backend|execution provider/i.test(why) || why.toLowerCase().includes(provider.toLowerCase()));
  if (providerFailed) {
    const what = /adapter/i.test(why) ? 'found no WebGPU adapter on this machine' : 'could not start';
    // onnxruntime-web's wasm-only build (what the Vite plugin picks by default) has no WebGPU at all.
    const build =
      fallback === 'wasm' && provider === 'webgpu' && /backend not found/i.test(why)
        ? ': this onnxruntime-web build has none (import onnxruntime-web/webgpu; with Vite, ganforgeOrt({ webgpu: true }))'
        : '';
    const hint =
      asked === 1
        ? `; pass executionProviders: ['${provider}', '${fallback}'] to fall back to the ${fallback === 'cpu' ? 'CPU' : 'wasm runtime'}`
        : '';
    return new OnnxModelLoadError(`the '${provider}' execution provider ${what} (${why})${build}${hint}`, {
      cause: err,
    });
  }
  return new OnnxModelLoadError(
    `onnxruntime could not open the model (${why}); check that it is a valid ONNX file of opset 7 to 21`,
    { cause: err },
  );
}
