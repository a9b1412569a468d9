/**
 * DCGAN-28 on the wasm backend (GANForge's kernels) against TF.js's reference cpu backend: every
 * variable gradient of one discriminator step and one generator step, on a small batch.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../kernels/backend';
import { buildDcgan28 } from './dcgan28';

function bce(logits: tf.Tensor, label: 0 | 1): tf.Scalar {
  const labels = label ? tf.onesLike(logits) : tf.zerosLike(logits);
  return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
}

/**
 * The cpu backend's Conv2DBackpropFilter reads every element through TensorBuffer.get (~30 s for
 * this check at batch 3); for the duration of `f` it is replaced by the same sum over typed arrays,
 * accumulated in float64. (The kernel tests compare GANForge's kernel with the cpu one itself.)
 */
async function withDirectFilterGradOnCpu<T>(f: () => Promise<T>): Promise<T> {
  const original = tf.getKernel('Conv2DBackpropFilter', 'cpu')!;
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as {
      strides: [number, number] | number;
      pad: 'same' | 'valid';
      filterShape: number[];
    };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
    );
    const cpu = backend as unknown as {
      readSync(id: object): Float32Array;
      makeTensorInfo(s: number[], d: 'float32', v: Float32Array): tf.TensorInfo;
    };
    const xv = cpu.readSync(x.dataId);
    const dv = cpu.readSync(dy.dataId);
    const [n, h, w, ci] = x.shape as number[];
    const [kh, kw, , co] = a.filterShape as number[];
    const [, ho, wo] = dy.shape as number[];
    const acc = new Float64Array(kh! * kw! * ci! * co!);
    for (let b = 0; b < n!; b++)
      for (let i = 0; i < ho!; i++)
        for (let j = 0; j < wo!; j++) {
          const dyo = ((b * ho! + i) * wo! + j) * co!;
          for (let p = 0; p < kh!; p++) {
            const y = i * info.strideHeight + p - info.padInfo.top;
            if (y < 0 || y >= h!) continue;
            for (let q = 0; q < kw!; q++) {
              const xx = j * info.strideWidth + q - info.padInfo.left;
              if (xx < 0 || xx >= w!) continue;
              const xo = ((b * h! + y) * w! + xx) * ci!;
              const wo2 = (p * kw! + q) * ci! * co!;
              for (let c = 0; c < ci!; c++) {
                const xval = xv[xo + c]!;
                const base = wo2 + c * co!;
                for (let o = 0; o < co!; o++) acc[base + o]! += xval * dv[dyo + o]!;
              }
            }
          }
        }
    return cpu.makeTensorInfo(a.filterShape, 'float32', Float32Array.from(acc));
  };
  tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel({ ...original, kernelFunc });
  try {
    return await f();
  } finally {
    tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
    tf.registerKernel(original);
  }
}

describe('dcgan28', () => {
  it('has the reference architecture and parameter counts', async () => {
    await initBackend('wasm');
    const { generator, discriminator } = buildDcgan28(tf, {
      latentDim: 100,
      imageShape: [28, 28, 1],
      seed: 1,
    });
    expect(generator.outputs[0]!.shape).toEqual([null, 28, 28, 1]);
    expect(discriminator.outputs[0]!.shape).toEqual([null, 1]);
    // Same counts as PyTorch's dcgan28.py (BatchNorm running stats excluded there as buffers).
    const trainable = (m: tf.LayersModel) =>
      m.trainableWeights.reduce((a, w) => a + w.shape.reduce((p, d) => p! * d!, 1)!, 0);
    expect(trainable(generator)).toBe(100 * 6272 + 2 * 6272 + 4 * 4 * 128 * 64 + 2 * 64 + 4 * 4 * 64 + 1);
    expect(trainable(discriminator)).toBe(16 * 64 + 64 + 16 * 64 * 128 + 2 * 128 + 6272 + 1);
    generator.dispose();
    discriminator.dispose();
  });

  it('gives the cpu backend gradients for a D step and a G step, and updates BatchNorm statistics', async () => {
    await initBackend('wasm');
    const batch = 3;
    const { generator, discriminator } = buildDcgan28(tf, {
      latentDim: 100,
      imageShape: [28, 28, 1],
      seed: 3,
    });
    const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
    const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
    const real = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', 5);
    const z = tf.randomNormal([batch, 100], 0, 1, 'float32', 6);
    const movingMean = () =>
      generator.layers[1]!.weights.find((w) => w.name.includes('moving_mean'))!
        .read()
        .data();
    const before = Array.from(await movingMean());

    const grads = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const out = tf.tidy(() => {
        const d = tf.variableGrads(() => {
          const fake = generator.apply(z, { training: true }) as tf.Tensor;
          const r = discriminator.apply(real, { training: true }) as tf.Tensor;
          const f = discriminator.apply(fake, { training: true }) as tf.Tensor;
          return bce(r, 1).add(bce(f, 0)).div(2) as tf.Scalar;
        }, dVars);
        const g = tf.variableGrads(
          () =>
            bce(
              discriminator.apply(generator.apply(z, { training: true }), { training: true }) as tf.Tensor,
              1,
            ),
          gVars,
        );
        return [
          ...dVars.map((v) => d.grads[v.name]!),
          ...gVars.map((v) => g.grads[v.name]!),
          d.value,
          g.value,
        ];
      });
      const values = await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
      tf.dispose(out);
      return values;
    };
    const cpu = await withDirectFilterGradOnCpu(() => grads('cpu'));
    const wasm = await grads('wasm');
    const names = [...dVars.map((v) => `D ${v.name}`), ...gVars.map((v) => `G ${v.name}`), 'lossD', 'lossG'];
    expect(wasm.length).toBe(cpu.length);
    for (let i = 0; i < cpu.length; i++) {
      const ref = cpu[i]!;
      const got = wasm[i]!;
      let scale = 0;
      let worst = 0;
      for (let j = 0; j < ref.length; j++) {
        scale = Math.max(scale, Math.abs(ref[j]!));
        worst = Math.max(worst, Math.abs(got[j]! - ref[j]!));
      }
      expect(scale, `${names[i]} is all zeros`).toBeGreaterThan(0);
      expect(worst / scale, names[i]).toBeLessThan(1e-4);
    }
    const after = Array.from(await movingMean());
    expect(after).not.toEqual(before);
    tf.dispose([real, z]);
    generator.dispose();
    discriminator.dispose();
  }, 60_000);
});
