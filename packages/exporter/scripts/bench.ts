/**
 * Export benchmark (not part of `test`): times exporting each trainer preset's generator (DCGAN-28 is
 * the one with a target: at most 1 s), reports file sizes, float32/float16 parity, and what folding
 * BatchNorm into the weights saves onnxruntime. Run: npx nx run exporter:bench
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '@ganforge/inference/onnx';
import {
  buildModels,
  FileModelIO,
  initBackend,
  PRESETS,
  resolveConfig,
  tf,
  type TrainConfig,
} from '@ganforge/trainer';
import { convertLayersModel } from '../src/convert/convert';
import { exportGenerator } from '../src/export';
import { IR_VERSION } from '@ganforge/contracts/onnx';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ms = (x: number) => `${x.toFixed(0)} ms`;

function shapeOf(config: TrainConfig): number[] {
  if (config.model === 'gaussian2d' || config.model === 'points-mlp') return [2];
  if (config.model === 'dcgan64') {
    const size = config.imageSize ?? 64;
    return [size, size, config.channels === 'grayscale' ? 1 : 3];
  }
  return [28, 28, 1];
}

async function saveGenerator(preset: string, dir: string): Promise<string> {
  const config = resolveConfig({ preset, flags: { seed: 3 } });
  const { generator, discriminator } = buildModels(tf, config, {
    shape: shapeOf(config),
    numClasses: config.conditional ? 10 : undefined,
  });
  await generator.save(new FileModelIO(dir));
  generator.dispose();
  discriminator.dispose();
  return join(dir, 'model.json');
}

/** Median ms per onnxruntime run at batch 64, with and without the graph passes. */
async function runtimeCost(modelJson: string): Promise<{ plain: number; optimized: number }> {
  const model = await tf.loadLayersModel(new FileModelIO(modelJson));
  const times: Record<'plain' | 'optimized', number[]> = { plain: [], optimized: [] };
  const sessions: Record<string, ort.InferenceSession> = {};
  for (const [key, optimize] of [
    ['plain', false],
    ['optimized', true],
  ] as const) {
    const { graph } = convertLayersModel(model, { optimize });
    const bytes = encodeModel({ irVersion: IR_VERSION, opsetImport: [{ version: 17 }], graph });
    sessions[key] = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  }
  const latent = (model.inputs[0] as tf.SymbolicTensor).shape[1] as number;
  const z = new ort.Tensor(
    'float32',
    new Float32Array(64 * latent).map(() => Math.random()),
    [64, latent],
  );
  // Interleaved so that load changes hit both alike.
  for (let i = 0; i < 12; i++) {
    for (const key of ['plain', 'optimized'] as const) {
      const t = performance.now();
      await (sessions[key] as ort.InferenceSession).run({ z });
      if (i >= 2) times[key].push(performance.now() - t);
    }
  }
  for (const s of Object.values(sessions)) await s.release();
  model.dispose();
  return { plain: median(times.plain), optimized: median(times.optimized) };
}

const dir = mkdtempSync(join(tmpdir(), 'ganforge-bench-'));
try {
  await initBackend();
  console.log(
    `backend ${tf.getBackend()}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  // DCGAN-28: cold first export, then warm repeats, without and with verification.
  const dcgan = await saveGenerator('dcgan28', join(dir, 'dcgan28'));
  const out = join(dir, 'dcgan28.onnx');
  const cold = await exportGenerator({ model: dcgan, out, verify: false });
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await exportGenerator({ model: dcgan, out, verify: false });
    warm.push(performance.now() - t);
  }
  const verified: number[] = [];
  let verifiedResult = cold;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    verifiedResult = await exportGenerator({ model: dcgan, out });
    verified.push(performance.now() - t);
  }
  const half = await exportGenerator({ model: dcgan, out: join(dir, 'dcgan28-fp16.onnx'), fp16: true });
  const c = cold.timings;
  console.log(
    `dcgan28 export, no verify: first ${ms(c.loadMs + c.convertMs + c.writeMs)} (load ${ms(c.loadMs)}, convert+encode ${ms(c.convertMs)}, write ${ms(c.writeMs)}), warm median ${ms(median(warm))} over 5`,
  );
  console.log(
    `dcgan28 export with verification (batch 1 and 7): median ${ms(median(verified))} over 3; max|diff| ${verifiedResult.maxAbsDiff?.toExponential(2)}`,
  );
  console.log(
    `dcgan28 file: float32 ${cold.bytes} bytes (${(cold.bytes / 2 ** 20).toFixed(2)} MiB), float16 ${half.bytes} bytes (${(half.bytes / cold.bytes).toFixed(3)}x), fp16 max|diff| ${half.maxAbsDiff?.toExponential(2)}`,
  );

  // The whole command, as a user runs it (process start, tsx, TF.js and onnxruntime load included).
  // The ganforge bin the workspace links (packages/cli), run as a user runs it.
  const bin = resolve(import.meta.dirname, '../../../node_modules/.bin/ganforge');
  for (const extra of [['--no-verify'], []]) {
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      [bin, 'export', 'generator', '--model', dcgan, '--out', out, ...extra],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    console.log(
      `ganforge export generator ${extra.join(' ')}: ${ms(performance.now() - t)} wall (process included)`,
    );
  }

  const cost = await runtimeCost(dcgan);
  console.log(
    `dcgan28 onnxruntime batch 64, 1 thread: unfolded ${cost.plain.toFixed(1)} ms, BatchNorm folded ${cost.optimized.toFixed(1)} ms (ratio ${(cost.optimized / cost.plain).toFixed(2)})`,
  );

  // Every preset at full size: parity and size in float32 and float16.
  for (const preset of Object.keys(PRESETS)) {
    const json = await saveGenerator(preset, join(dir, preset));
    const t = performance.now();
    const f32 = await exportGenerator({ model: json, out: join(dir, `${preset}.onnx`) });
    const elapsed = performance.now() - t;
    const f16 = await exportGenerator({ model: json, out: join(dir, `${preset}-fp16.onnx`), fp16: true });
    console.log(
      `${preset}: ${JSON.stringify(f32.outputs[0]?.shape)} fp32 ${f32.bytes} B max|diff| ${f32.maxAbsDiff?.toExponential(2)} (${ms(elapsed)} with verify); fp16 ${f16.bytes} B max|diff| ${f16.maxAbsDiff?.toExponential(2)}`,
    );
  }
  console.log(
    `load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
