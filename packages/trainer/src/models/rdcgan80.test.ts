/**
 * The rdcgan80 network has the R torch DCGAN's layers: the sizes 1 → 4 → 9 → 27 → 80 and
 * 80 → 40 → 20 → 10 → 5, and as many trainable parameters as its PyTorch twin
 * (bench/reference/models.py rdcgan80_*, which counts G 2,121,763 and D 260,441).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config';
import { buildModels } from '.';

const trainable = (m: tf.LayersModel) =>
  m.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a! * b!, 1)!, 0);
const shapes = (m: tf.LayersModel) =>
  m.layers.map((l) => `${l.getClassName()} ${(l.outputShape as number[]).slice(1).join('x')}`);

describe('rdcgan80', () => {
  it('builds the layers and parameter counts of its PyTorch twin', () => {
    const config = resolveConfig({ flags: { preset: 'rdcgan80' } });
    const { generator: g, discriminator: d } = buildModels(tf, config, { shape: [80, 80, 3] });
    expect(shapes(g)).toEqual([
      'Reshape 1x1x100',
      'Conv2DTranspose 4x4x320',
      'BatchNormalization 4x4x320',
      'ReLU 4x4x320',
      'Conv2DTranspose 11x11x160',
      'Cropping2D 9x9x160',
      'BatchNormalization 9x9x160',
      'ReLU 9x9x160',
      'Conv2DTranspose 29x29x80',
      'Cropping2D 27x27x80',
      'BatchNormalization 27x27x80',
      'ReLU 27x27x80',
      'Conv2DTranspose 84x84x3',
      'Cropping2D 80x80x3',
      'Rescaling 80x80x3',
    ]);
    expect(shapes(d)).toEqual([
      'Rescaling 80x80x3',
      'Conv2D 40x40x40',
      'LeakyReLU 40x40x40',
      ...[20, 10, 5].flatMap((s) => [
        `Conv2D ${s}x${s}x80`,
        `BatchNormalization ${s}x${s}x80`,
        `LeakyReLU ${s}x${s}x80`,
      ]),
      'Flatten 2000',
      'Dense 1',
    ]);
    // PyTorch's count, layer by layer: kernels in·out·k², BatchNorm γ and β, the biases of the
    // layers without BatchNorm (G's last, D's first and its Linear).
    const bn = (c: number) => 2 * c;
    const gTorch =
      100 * 320 * 16 + bn(320) + 320 * 160 * 25 + bn(160) + 160 * 80 * 25 + bn(80) + 80 * 3 * 36 + 3;
    const dTorch = 3 * 40 * 16 + 40 + 40 * 80 * 16 + bn(80) + 2 * (80 * 80 * 16 + bn(80)) + 2000 + 1;
    expect([trainable(g), trainable(d)]).toEqual([gTorch, dTorch]);
    expect([gTorch, dTorch]).toEqual([2_121_763, 260_441]);
    const y = g.predict(tf.randomNormal([2, 100])) as tf.Tensor;
    // A sigmoid image as 2p − 1: inside (-1, 1).
    expect(y.shape).toEqual([2, 80, 80, 3]);
    expect(Math.max(...(y.abs().dataSync() as Float32Array))).toBeLessThan(1);
    expect((d.predict(y) as tf.Tensor).shape).toEqual([2, 1]);
    for (const t of [y, g, d]) t.dispose();
  });

  it('refuses images of another size, and a conditional model', () => {
    const config = resolveConfig({ flags: { preset: 'rdcgan80' } });
    expect(() => buildModels(tf, config, { shape: [64, 64, 3] })).toThrow(
      /makes 80x80 images.*--imageSize=80/,
    );
    const conditional = { ...config, conditional: true };
    expect(() => buildModels(tf, conditional, { shape: [80, 80, 3], numClasses: 9 })).toThrow(
      /unconditional/,
    );
  });
});
