/**
 * The one place the trainer touches onnxruntime-node's internal synchronous binding
 * (onnxruntime-node/dist/binding.js): not part of its public API, so it is used only with the
 * onnxruntime-node versions it was checked against, and only when it has the shape the kernels use.
 * Otherwise the kernels fall back to TF.js's wasm ones, and `why` says in one line what happened and
 * what to do.
 */
import { createRequire } from 'node:module';
import type * as OrtBinding from 'onnxruntime-node/dist/binding.js';
import type { Tensor as OrtTensor } from 'onnxruntime-common';

/** onnxruntime-node releases (major.minor) whose internal binding the native convolutions were checked with. */
export const CHECKED_ORT_VERSIONS = ['1.30'];

export type OrtSession = InstanceType<typeof OrtBinding.binding.InferenceSession>;

export interface OrtRuntime {
  binding: typeof OrtBinding.binding;
  Tensor: typeof OrtTensor;
  version: string;
}

export type OrtLoad = { ok: true; runtime: OrtRuntime } | { ok: false; why: string };

const FALLBACK = "TF.js's wasm kernels run the convolutions instead (slower)";

/**
 * Whether `version` and `module` (what `require('onnxruntime-node/dist/binding.js')` gave) are a binding
 * the kernels can use: a checked version whose InferenceSession has loadModel and run.
 */
export function checkBinding(version: string, module: unknown): string | undefined {
  const minor = /^(\d+\.\d+)\./.exec(version)?.[1];
  if (!minor || !CHECKED_ORT_VERSIONS.includes(minor)) {
    return `onnxruntime-node ${version} is not a version the native convolutions were checked with (${CHECKED_ORT_VERSIONS.map((v) => `${v}.x`).join(', ')}): ${FALLBACK}; install onnxruntime-node@~${CHECKED_ORT_VERSIONS.at(-1)} to use them`;
  }
  const b = module as Partial<typeof OrtBinding> | undefined;
  const session: unknown = b?.binding?.InferenceSession;
  const proto = typeof session === 'function' ? (session.prototype as Record<string, unknown>) : undefined;
  const shaped =
    typeof b?.initOrt === 'function' &&
    typeof proto?.['loadModel'] === 'function' &&
    typeof proto?.['run'] === 'function';
  return shaped
    ? undefined
    : `onnxruntime-node ${version}'s internal binding does not have the session the native convolutions use: ${FALLBACK}`;
}

let loaded: OrtLoad | undefined;

/** onnxruntime-node's binding, loaded and checked once; or why it cannot be used. */
export function loadOrtBinding(): OrtLoad {
  if (loaded) return loaded;
  // onnxruntime-node's Linux build sends telemetry by default and leaves an empty
  // /tmp/mat-debug-<pid>.log behind every process that opens a session: off, unless the user set it.
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
  const require = createRequire(import.meta.url);
  let version: string;
  try {
    version = (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return (loaded = { ok: false, why: `onnxruntime-node is not installed: ${FALLBACK}` });
  }
  try {
    const module: unknown = require('onnxruntime-node/dist/binding.js');
    const why = checkBinding(version, module);
    if (why) return (loaded = { ok: false, why });
    const b = module as typeof OrtBinding;
    const common = require('onnxruntime-common') as { Tensor: typeof OrtTensor };
    b.initOrt();
    loaded = { ok: true, runtime: { binding: b.binding, Tensor: common.Tensor, version } };
  } catch (e) {
    loaded = {
      ok: false,
      why: `onnxruntime-node ${version} could not start (${(e as Error).message.split('\n')[0]}): ${FALLBACK}`,
    };
  }
  return loaded;
}
