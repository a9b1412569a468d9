/**
 * The compiled step on a GPU (`--provider=webgpu`) computes what it computes on the CPU: a few steps of
 * `tiny` (with critic-only steps and an EMA), `mlp`, `dcgan28` and the 64-px RGB `dcgan64` on both
 * providers, from the same weights on the same batches, compared step by step and after reading the
 * state back; every node of their steps runs on WebGPU.
 *
 * There is no GPU in CI: WebGPU runs on SwiftShader, the software Vulkan driver Debian's chromium
 * package ships (the package `npm test` already installs for the browser tests), named to the child
 * process through the environment as a user names any Vulkan driver. SwiftShader is slow (a DCGAN-28
 * step of batch 64 takes over a minute), so the batches are small: this checks arithmetic, not speed.
 *
 * Tolerance: both providers compute in float32 in different orders, so they agree to rounding, not
 * bit for bit: every step's loss_D and loss_G within 1e-4 relative (|Δ| / max(|loss|, 1)); the
 * weights of each network (G, D, the EMA copy, with BatchNorm statistics) within 1e-4 relative
 * (‖Δ‖ / ‖w‖ over all of them) after the first step and at the end (dcgan64's: WEIGHTS_TOLERANCE);
 * the gradients (the Adam slots after the first step) within 1e-4 relative. Measured: 1e-7 to 7e-6,
 * dcgan64's slots 8e-6 and weights 1e-4 (see webgpu-parity.child.ts for why later slots are not
 * compared).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ParityCase, ParityResult } from './webgpu-parity.child';

const TOLERANCE = { loss: 1e-4, weights: 1e-4, slots: 1e-4 };

const SWIFTSHADER_DIR = '/usr/lib/chromium';
const SWIFTSHADER = ['vk_swiftshader_icd.json', 'libvk_swiftshader.so', 'libvulkan.so.1'];

const CASES: ParityCase[] = [
  {
    name: 'tiny (critic-only steps, EMA)',
    flags: { preset: 'tiny', dSteps: 2, emaDecay: 0.9 },
    shape: [28, 28, 1],
    generatorSteps: [false, true, false, true, false, true],
  },
  {
    name: 'mlp',
    flags: { preset: 'mlp', batchSize: 16 },
    shape: [28, 28, 1],
    generatorSteps: [true, true, true],
  },
  {
    name: 'dcgan28',
    flags: { preset: 'dcgan28', batchSize: 8 },
    shape: [28, 28, 1],
    generatorSteps: [true, true],
  },
  {
    name: 'dcgan64',
    flags: { preset: 'dcgan64', batchSize: 4 },
    shape: [64, 64, 3],
    generatorSteps: [true, true],
  },
];

/**
 * Per case, where the weights are held to a looser bound: the 64-px DCGAN's G has BatchNorm offsets
 * whose gradients are zero up to rounding at a batch of 4, and Adam's first steps move a weight by about
 * ±lr whatever its gradient's size, so the two providers' rounding moves those offsets apart (by up to
 * 4e-4, 2·lr, on one value; 1e-4 relative over all weights, measured). Its gradients — the Adam slots —
 * stay within the common bound.
 */
const WEIGHTS_TOLERANCE: Record<string, number> = { dcgan64: 5e-4 };

/** Chromium's SwiftShader Vulkan driver, or the one line that says what to install. */
function swiftshaderEnv(): NodeJS.ProcessEnv {
  const missing = SWIFTSHADER.filter((f) => !existsSync(join(SWIFTSHADER_DIR, f)));
  if (missing.length > 0) {
    throw new Error(
      `the WebGPU test runs on SwiftShader, the software Vulkan driver of Debian's chromium package, and ${SWIFTSHADER_DIR} lacks ${missing.join(', ')}: install it with sudo apt-get install chromium`,
    );
  }
  const libraries = process.env.LD_LIBRARY_PATH;
  return {
    ...process.env,
    VK_ICD_FILENAMES: join(SWIFTSHADER_DIR, 'vk_swiftshader_icd.json'),
    LD_LIBRARY_PATH: libraries ? `${SWIFTSHADER_DIR}${delimiter}${libraries}` : SWIFTSHADER_DIR,
    XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmpdir(),
  };
}

function runChild(
  cases: ParityCase[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = fileURLToPath(new URL('./webgpu-parity.child.ts', import.meta.url));
  const proc = spawn(
    process.execPath,
    ['--conditions=@ganforge/source', '--import', 'tsx', child, JSON.stringify(cases)],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('--provider=webgpu (SwiftShader) against --provider=cpu', () => {
  it(
    'trains tiny, mlp, dcgan28 and dcgan64 to the same losses and weights',
    { timeout: 600_000 },
    async () => {
      const env = swiftshaderEnv();
      const { code, stdout, stderr } = await runChild(CASES, env);
      const results = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as ParityResult);
      expect(code, stderr.split('\n').slice(-15).join('\n')).toBe(0);
      expect(results.map((r) => r.name)).toEqual(CASES.map((c) => c.name));
      for (const r of results) {
        expect(r.device, r.name).toMatch(
          /^WebGPU \(adapter not reported; Vulkan driver vk_swiftshader_icd\.json\)$/,
        );
        expect(r.loss, `${r.name}: losses`).toBeLessThan(TOLERANCE.loss);
        expect(r.weights, `${r.name}: weights (worst ${r.worst})`).toBeLessThan(
          WEIGHTS_TOLERANCE[r.name] ?? TOLERANCE.weights,
        );
        expect(r.slots, `${r.name}: Adam slots`).toBeLessThan(TOLERANCE.slots);
      }
      // Every node of these steps runs on WebGPU (none left to the CPU provider, which a note would name).
      for (const r of results) expect(r.deviceNote, r.name).toBeUndefined();
    },
  );
});
