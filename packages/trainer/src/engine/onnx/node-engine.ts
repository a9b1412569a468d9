/**
 * The compiled engine's Node home: onnxruntime-node, on the execution provider `--provider` picks
 * (provider.ts), with as many threads as asked (every core by default), and onnxruntime's
 * per-operator profile read back from the files it writes.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import type { EngineModels, ProfileRow } from '../types';
import { OnnxEngine, type CompiledStepOptions } from './engine';
import type { EngineHome } from './home';
import { UncompilableError } from './net';
import type { Ort, Session, SessionOptions } from './ort';
import { compileSteps, type ProviderChoice } from './provider';

export type ExecutionProvider = ProviderChoice;

export interface OnnxEngineOptions extends CompiledStepOptions {
  /** onnxruntime's intra-op threads (0: every core). */
  threads: number;
  /** Whether they spin between operators (default: they sleep). */
  spin?: boolean;
  provider: ExecutionProvider;
  /** Record onnxruntime's per-operator profile (read with profile()). */
  profile?: boolean;
}

/** onnxruntime-node through its public API, or a reason it cannot load. */
async function loadOrt(): Promise<Ort> {
  try {
    // onnxruntime-node's Linux build sends telemetry by default and leaves an empty
    // /tmp/mat-debug-<pid>.log behind every process that opens a session: off, unless the user set it.
    process.env.ORT_DISABLE_TELEMETRY ??= '1';
    return await import('onnxruntime-node');
  } catch (e) {
    throw new UncompilableError(`onnxruntime-node did not load (${(e as Error).message.split('\n')[0]})`);
  }
}

const PROFILE_PREFIX = join(tmpdir(), `ganforge-ort-profile-${process.pid}`);

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

/** Sums onnxruntime's profile of `sessions` per operator type (the files are removed once read). */
function readProfile(sessions: Session[]): ProfileRow[] {
  for (const s of sessions) s.endProfiling();
  const rows = new Map<string, ProfileRow>();
  let runs = 0;
  const dir = tmpdir();
  const prefix = PROFILE_PREFIX.slice(dir.length + 1);
  for (const file of readdirSync(dir).filter((f) => f.startsWith(prefix))) {
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[];
    rmSync(join(dir, file), { force: true });
    for (const e of events) {
      if (e.cat === 'Session' && e.name === 'model_run') runs++;
      const op = e.args?.op_name;
      if (e.cat !== 'Node' || !op || !e.name.endsWith('_kernel_time')) continue;
      const r = rows.get(op) ?? { op, ms: 0, calls: 0, runs: 0 };
      r.ms += e.dur / 1000;
      r.calls++;
      rows.set(op, r);
    }
  }
  return [...rows.values()].map((r) => ({ ...r, runs }));
}

/**
 * The compiled engine on onnxruntime-node; throws UncompilableError (with the reason) where the models
 * or options cannot be compiled, or onnxruntime-node does not load.
 */
export async function createNodeEngine(
  tf: typeof tfTypes,
  models: EngineModels,
  opts: OnnxEngineOptions,
): Promise<OnnxEngine> {
  const ort = await loadOrt();
  const base: SessionOptions = {
    intraOpNumThreads: opts.threads > 0 ? opts.threads : availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Worker threads that spin between operators hold a core the step's other threads (and the
    // loop's JS) need: on a shared machine each operator then waits for a descheduled spinner. On
    // cores nothing else uses, spinning saves each operator the wake-up (--spin).
    extra: { session: { intra_op: { allow_spinning: opts.spin ? '1' : '0' } } },
    ...(opts.profile ? { enableProfiling: true, profileFilePrefix: PROFILE_PREFIX } : {}),
  };
  const home: EngineHome = {
    open: (request) => compileSteps(ort, { ...request, choice: opts.provider, base }),
    ...(opts.profile ? { profile: readProfile } : {}),
  };
  const { config, batch, dataShape } = opts;
  return OnnxEngine.create(ort, tf, models, { config, batch, dataShape }, home);
}
