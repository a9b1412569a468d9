/**
 * Execution providers in Node: onnxruntime-node 1.30 bundles a WebGPU provider (Dawn), which needs a
 * Vulkan adapter. On a machine without a GPU, Chromium's SwiftShader (a Vulkan on the CPU) is one:
 *
 *   XDG_RUNTIME_DIR=/tmp VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium
 *
 * Each case runs in a child process, since the Vulkan loader reads these variables when it starts.
 * With the adapter, ['webgpu'] must give the CPU provider's images (within WEBGPU_TOLERANCE); without one,
 * ['webgpu'] fails in one line that says so, and ['webgpu', 'cpu'] falls back and says it did.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspaceRoot = resolve(packageRoot, '../..');
const SWIFTSHADER = {
  XDG_RUNTIME_DIR: '/tmp',
  VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json',
  LD_LIBRARY_PATH: '/usr/lib/chromium',
};
/** No Vulkan driver at all: the loader finds no ICD, so there is no WebGPU adapter. */
const NO_ADAPTER = { VK_ICD_FILENAMES: '/nonexistent/icd.json', LD_LIBRARY_PATH: '' };
/** Largest difference allowed between WebGPU's and the CPU's pixels (in [0, 1]; 8-bit is 0.004). */
const WEBGPU_TOLERANCE = 1e-4;
const MODELS = ['rgb-4x4.onnx', 'torch-dcgan.onnx', 'torch-mlp.onnx'];

/** Samples each fixture with the given providers in a fresh Node process; returns its JSON or error. */
function sampleIn(env: Record<string, string>, providers: string[]) {
  const code = `import { loadGenerator } from '@ganforge/inference';
    const out = {};
    for (const name of ${JSON.stringify(MODELS)}) {
      try {
        const g = await loadGenerator(${JSON.stringify(join(packageRoot, 'fixtures'))} + '/' + name,
          { executionProviders: ${JSON.stringify(providers)} });
        const r = await g.sample({ count: 3, seed: 5 });
        out[name] = { provider: g.info.executionProvider, pixels: Array.from(r.pixels) };
        await g.dispose();
      } catch (e) {
        out[name] = { error: e.name + ': ' + e.message };
      }
    }
    console.log(JSON.stringify(out));`;
  const r = spawnSync(
    process.execPath,
    ['--conditions=@ganforge/source', '--import', 'tsx', '--input-type=module', '-e', code],
    { cwd: workspaceRoot, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`child exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<
    string,
    { provider?: string; pixels?: number[]; error?: string }
  >;
}

describe('WebGPU in Node', () => {
  it("with a Vulkan adapter (SwiftShader), gives the CPU provider's images", () => {
    const missing = Object.values(SWIFTSHADER).filter((p) => p !== '/tmp' && !existsSync(p));
    if (missing.length) {
      throw new Error(
        `no SwiftShader Vulkan driver (${missing.join(', ')} missing): install Debian's chromium, or run on a GPU; this test needs ` +
          Object.entries(SWIFTSHADER)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
      );
    }
    const gpu = sampleIn(SWIFTSHADER, ['webgpu']);
    const cpu = sampleIn({}, ['cpu']);
    for (const name of MODELS) {
      const g = gpu[name]!;
      if (g.error) {
        throw new Error(
          `${name} on WebGPU: ${g.error} (the adapter comes from ${Object.entries(SWIFTSHADER)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')})`,
        );
      }
      expect(g.provider, name).toBe('webgpu');
      expect(cpu[name]!.provider, name).toBe('cpu');
      const want = cpu[name]!.pixels!;
      expect(g.pixels, name).toHaveLength(want.length);
      const worst = g.pixels!.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0);
      expect(worst, name).toBeLessThan(WEBGPU_TOLERANCE);
    }
  }, 240_000);

  it('without an adapter, says so in one line and falls back when asked', () => {
    const alone = sampleIn(NO_ADAPTER, ['webgpu'])['rgb-4x4.onnx']!;
    expect(alone.error).toBe(
      "OnnxModelLoadError: the 'webgpu' execution provider found no WebGPU adapter on this machine (Failed to get a WebGPU adapter: No supported adapters); pass executionProviders: ['webgpu', 'cpu'] to fall back to the CPU",
    );
    const fallback = sampleIn(NO_ADAPTER, ['webgpu', 'cpu']);
    for (const name of MODELS) expect(fallback[name]!.provider, name).toBe('cpu');
  }, 240_000);
});
