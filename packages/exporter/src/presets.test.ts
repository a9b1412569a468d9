/**
 * Every trainer preset's generator, built exactly as the trainer builds it, exports in float32 and
 * float16, passes the ONNX checker and matches TF.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '@ganforge/inference/onnx';
import { buildModels, initBackend, PRESETS, resolveConfig, tf, type TrainConfig } from '@ganforge/trainer';
import { exportGenerator } from './export';
import { FP16_PARITY_TOLERANCE, PARITY_TOLERANCE } from './verify';
import { checkOnnxAll, randomizeBatchNorm, saveModel, tempDir } from './test/helpers';

const tmp = tempDir();
const exported: string[] = [];
beforeAll(async () => {
  await initBackend();
});
afterAll(() => tmp.cleanup());

/** The shape of one training example for a config, as the trainer's datasets give it. */
function dataShape(config: TrainConfig): number[] {
  if (config.model === 'gaussian2d' || config.model === 'points-mlp') return [2];
  // The dcgan64 preset trains on image folders (64x64 RGB by default), emoji and rdcgan80 on the RGB
  // emoji set; other presets that use its architecture (cgan, wgan) run on the bundled 28x28 grayscale data.
  if (config.preset === 'dcgan64' || config.dataset.startsWith('emoji')) {
    const size = config.imageSize ?? 64;
    return [size, size, config.channels === 'grayscale' ? 1 : 3];
  }
  return [28, 28, 1];
}

/** dcgan64 at a quarter of its width: the same layers and shapes, a test budget's worth of weights. */
const narrow: Partial<TrainConfig> = { filtersG: 16 };
const cases: { name: string; flags?: Partial<TrainConfig> }[] = [
  ...Object.keys(PRESETS).map((name) => ({ name, flags: name === 'dcgan64' ? narrow : undefined })),
  // dcgan64's other generator: nearest upsampling + Conv2D instead of ConvTranspose.
  { name: 'dcgan64', flags: { ...narrow, upsample: 'resize-conv' } },
];

describe('trainer presets', () => {
  it.each(cases)('$name $flags: float32 and float16 exports match TF.js', async ({ name, flags }) => {
    const config = resolveConfig({ preset: name, flags: { ...flags, seed: 3 } });
    const { generator, discriminator } = buildModels(tf, config, {
      shape: dataShape(config),
      numClasses: config.conditional ? 10 : undefined,
    });
    discriminator.dispose();
    // Trained statistics, not the identity, so folding BatchNorm into the weights is really tested.
    randomizeBatchNorm(generator);
    const dir = join(tmp.dir, `${name}-${Object.values(flags ?? {}).join('-')}`);
    const modelJson = await saveModel(generator, dir);
    generator.dispose();

    const full = await exportGenerator({ model: modelJson, out: join(dir, 'fp32.onnx') });
    expect(full.maxAbsDiff as number).toBeLessThanOrEqual(PARITY_TOLERANCE);
    const half = await exportGenerator({ model: modelJson, out: join(dir, 'fp16.onnx'), fp16: true });
    expect(half.maxAbsDiff as number).toBeLessThanOrEqual(FP16_PARITY_TOLERANCE);
    exported.push(full.file, half.file);
    console.log(
      `preset ${name}${flags ? ` ${JSON.stringify(flags)}` : ''}: outputs ${JSON.stringify(full.outputs[0]?.shape)}, fp32 ${full.bytes} B max|diff| ${full.maxAbsDiff?.toExponential(2)}, fp16 ${half.bytes} B max|diff| ${half.maxAbsDiff?.toExponential(2)}`,
    );

    // No BatchNormalization survives as separate arithmetic next to a Conv/ConvTranspose/Gemm.
    const ops = decodeModel(readFileSync(full.file)).graph.node.map((n) => n.opType);
    const layers = JSON.parse(readFileSync(modelJson, 'utf8')).modelTopology.config.layers as {
      class_name: string;
    }[];
    // (rdcgan80 crops between its ConvTranspose and BatchNorm, and rescales its output: its BatchNorm
    // stays as a Mul and an Add, which the exports' parity above covers.)
    const direct = !layers.some((l) => l.class_name === 'Cropping2D' || l.class_name === 'Rescaling');
    if (layers.some((l) => l.class_name === 'BatchNormalization') && !config.conditional && direct) {
      expect(ops).not.toContain('Mul');
      expect(ops).not.toContain('Add');
    }
    // Large generators: float16 weights halve the file.
    if (full.bytes > 1_000_000) expect(half.bytes / full.bytes).toBeLessThan(0.52);
  });

  it('every preset export passes onnx.checker.check_model(full_check=True)', () => {
    expect(exported).toHaveLength(cases.length * 2);
    expect(checkOnnxAll(exported)).toEqual([]);
  });
});
