/**
 * Which onnxruntime execution provider runs the compiled step, and its sessions (`--provider`):
 *
 * - `cpu` (the default) and `cuda`: the step's state in CPU buffers (state-store.ts, HostState);
 * - `webgpu`: a GPU through onnxruntime-node's bundled WebGPU provider (Dawn on Vulkan, Metal or
 *   D3D12), the state kept in GPU memory between steps (DeviceState). Operations the provider has no
 *   kernel for run on onnxruntime's CPU provider inside the same step, and are named in one line;
 * - `auto`: WebGPU where onnxruntime finds an adapter, else the CPU, saying so.
 *
 * Which Vulkan driver Dawn uses is the environment's: a GPU's installed driver, or one named with
 * VK_ICD_FILENAMES (a software one, e.g. Chromium's SwiftShader, for checks without a GPU).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import type { TrainConfig } from '../../config/config';
import { ConfigError } from '../../config/errors';
import { openOnDevice, openSessions, type CompiledSteps, type StepRequest } from './home';
import type { Ort, Session, SessionOptions } from './ort';
import { HostState } from './state-store';

export type ProviderChoice = TrainConfig['provider'];
export type ProviderName = Exclude<ProviderChoice, 'auto'>;

/** The step graphs compiled on a provider, with the store that keeps their state. */
export interface ProviderSteps extends CompiledSteps {
  provider: ProviderName;
}

export interface CompileRequest extends StepRequest {
  choice: ProviderChoice;
  /** Threads, profiling and the like, shared by every provider. */
  base: SessionOptions;
}

/** What Dawn's Vulkan backend is pointed at, when the environment names a driver. */
function describeWebgpu(): string {
  const icd = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  // onnxruntime-node does not expose the adapter Dawn picked (env.webgpu.adapter stays unset in Node).
  return icd
    ? `WebGPU (adapter not reported; Vulkan driver ${basename(icd.split(':')[0]!)})`
    : 'WebGPU (adapter not reported)';
}

const NO_ADAPTER = /Failed to get a WebGPU adapter|No supported adapters/i;
const FALLBACK_REFUSED = /fallback to CPU EP has been explicitly disabled/i;

const DRIVER_HINT =
  'WebGPU needs a Vulkan driver here: a GPU with its Vulkan driver installed, or a software one named ' +
  "in VK_ICD_FILENAMES, e.g. Debian chromium's SwiftShader (VK_ICD_FILENAMES=/usr/lib/chromium/" +
  'vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium; far slower than the CPU provider)';

/** Why WebGPU could not start, in one line; whether it is that there is no adapter. */
function webgpuFailure(e: unknown): { why: string; noAdapter: boolean } {
  const first = ((e as Error).message ?? String(e)).split('\n')[0]!;
  if (NO_ADAPTER.test(first)) return { why: 'onnxruntime found no WebGPU adapter', noAdapter: true };
  return { why: `WebGPU did not start (${first})`, noAdapter: false };
}

/** Opens the step graphs on the chosen provider (`auto`: WebGPU if it starts, else the CPU). */
export async function compileSteps(ort: Ort, req: CompileRequest): Promise<ProviderSteps> {
  const { choice } = req;
  if (choice === 'cpu' || choice === 'cuda') return onHost(ort, req, choice);
  try {
    return await onWebgpu(ort, req);
  } catch (e) {
    const { why, noAdapter } = webgpuFailure(e);
    if (choice === 'webgpu') {
      const hint = noAdapter ? ` (${DRIVER_HINT})` : '';
      throw new ConfigError(`--provider=webgpu: ${why}${hint}; or use --provider=cpu`);
    }
    const cpu = await onHost(ort, req, 'cpu');
    return { ...cpu, note: `--provider=auto: ${why}; the step runs on the CPU` };
  }
}

async function onHost(ort: Ort, req: CompileRequest, provider: 'cpu' | 'cuda'): Promise<ProviderSteps> {
  const steps = await openSessions(ort, req.specs, { ...req.base, executionProviders: [provider] });
  return {
    provider,
    device: provider === 'cpu' ? 'CPU' : 'CUDA',
    steps,
    store: new HostState(ort, req.state, req.figureShapes),
  };
}

async function onWebgpu(ort: Ort, req: CompileRequest): Promise<ProviderSteps> {
  const webgpu: SessionOptions = {
    ...req.base,
    executionProviders: ['webgpu'],
    // The warning that some nodes run on the CPU provider: said in one line of ours instead.
    logSeverityLevel: 3,
  };
  const onCpu: CpuOps = { ops: new Map(), unnamed: false };
  const opened = await openOnDevice(ort, req, webgpu, (bytes, options) =>
    openAllOnGpu(ort, bytes, options, onCpu),
  );
  const note = onCpu.ops.size > 0 || onCpu.unnamed ? describeCpuOps(onCpu) : undefined;
  return { provider: 'webgpu', device: describeWebgpu(), ...(note ? { note } : {}), ...opened };
}

/** Operator types WebGPU left to the CPU provider (most nodes of one type in any graph). */
interface CpuOps {
  ops: Map<string, number>;
  /** Some were, and onnxruntime's log did not say which. */
  unnamed: boolean;
}

/**
 * A session with every node on WebGPU; where onnxruntime must place some on its CPU provider, the
 * session with those there, their operator types counted into `onCpu`.
 */
async function openAllOnGpu(
  ort: Ort,
  bytes: Uint8Array,
  options: SessionOptions,
  onCpu: CpuOps,
): Promise<Session> {
  const strict: SessionOptions = {
    ...options,
    logSeverityLevel: 4,
    extra: {
      ...options.extra,
      session: { ...(options.extra?.session as object), disable_cpu_ep_fallback: '1' },
    },
  };
  try {
    return await ort.InferenceSession.create(bytes, strict);
  } catch (e) {
    if (!FALLBACK_REFUSED.test((e as Error).message)) throw e;
  }
  const placed = await cpuPlacedOps(bytes);
  for (const [op, n] of placed) onCpu.ops.set(op, Math.max(n, onCpu.ops.get(op) ?? 0));
  if (placed.size === 0) onCpu.unnamed = true;
  return ort.InferenceSession.create(bytes, options);
}

function describeCpuOps(onCpu: CpuOps): string {
  const named = [...onCpu.ops].map(([op, n]) => `${op} ×${n}`);
  if (onCpu.unnamed) named.push('other operations (onnxruntime did not say which)');
  const list = named.join(', ');
  return `on the CPU provider inside the step (WebGPU does not run them here): ${list}`;
}

const PROBE = `
const [ortPath, file] = process.argv.slice(1);
require(ortPath).InferenceSession.create(file, { executionProviders: ['webgpu'], logSeverityLevel: 0 })
  .then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(1); });
`;

/**
 * Operator types onnxruntime places on its CPU provider in a WebGPU session, with their counts: read
 * from its verbose placement log, which only goes to stderr — so a child process opens the session.
 */
export async function cpuPlacedOps(bytes: Uint8Array): Promise<Map<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'ganforge-placement-'));
  const file = join(dir, 'step.onnx');
  const ops = new Map<string, number>();
  try {
    writeFileSync(file, bytes);
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const run = promisify(execFile);
    const { stderr } = await run(process.execPath, ['-e', PROBE, ortPath, file], {
      maxBuffer: 1 << 28,
      encoding: 'utf8',
    }).catch((e: { stderr?: string }) => ({ stderr: e.stderr ?? '' }));
    let provider = '';
    for (const line of stderr.split('\n')) {
      const head = /Node\(s\) placed on \[(\w+)\]/.exec(line);
      if (head) provider = head[1]!;
      const node = /VerifyEachNodeIsAssignedToAnEp\] {3}(\S+) \(/.exec(line);
      if (node && provider === 'CPUExecutionProvider') ops.set(node[1]!, (ops.get(node[1]!) ?? 0) + 1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return ops;
}
