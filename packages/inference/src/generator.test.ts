import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import {
  createGenerator,
  loadGenerator,
  InvalidArgumentError,
  DisposedError,
  OnnxModelLoadError,
} from './node';
import type { ImageSampleResult, SampleResult } from './node';
import {
  dense,
  flatModel,
  labelModel,
  nhwcModel,
  pointsModel,
  rgbModel,
  sigmoid,
  torchModel,
  weights,
} from './testing/models';

function image(r: SampleResult): ImageSampleResult {
  if (r.kind !== 'image') throw new Error(`expected an image result, got ${r.kind}`);
  return r;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 2e-6): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('the Node entry', () => {
  it("opens sessions with onnxruntime's telemetry off: no /tmp/mat-debug-<pid>.log is left behind", async () => {
    expect(process.env.ORT_DISABLE_TELEMETRY).toBe('1');
    const g = await loadGenerator(pointsModel(true).bytes);
    await g.sample({ count: 2, seed: 1 });
    await g.dispose();
    expect(existsSync(`/tmp/mat-debug-${process.pid}.log`)).toBe(false);
  });
});

describe('points generator', () => {
  it('returns z @ W + b for seeded latents, with metadata', async () => {
    const m = pointsModel(true);
    const g = await loadGenerator(m.bytes);
    expect(g.info).toMatchObject({ kind: 'points', latentDim: 2, pointDims: 2, outputName: 'points' });
    expect(g.info.sources.kind).toBe('metadata');
    const r = await g.sample({ count: 50, seed: 3 });
    if (r.kind !== 'points') throw new Error('expected points');
    expect(r.latents).toEqual(g.latents(3, 50));
    expectClose(
      r.points,
      dense(r.latents, m.w, m.b, 2, (x) => x),
    );
    await g.dispose();
  });

  it('infers points from a [N,2] output without metadata', async () => {
    const g = await loadGenerator(pointsModel(false).bytes);
    expect(g.info.kind).toBe('points');
    expect(g.info.sources.kind).toBe('graph');
    expect(g.info.sources.outputRange).toBe('default');
    await g.dispose();
  });
});

describe('image generators', () => {
  it('converts an NCHW RGB output to HWC pixels in [0,1], reading the metadata', async () => {
    const m = rgbModel();
    const g = await loadGenerator(m.bytes);
    expect(g.info).toMatchObject({
      kind: 'image',
      latentDim: 16,
      latentShape: [16],
      image: { height: 4, width: 4, channels: 3, layout: 'NCHW' },
      outputRange: [-1, 1],
      preset: 'tiny',
      sourceRun: 'runs/tiny',
    });
    expect(g.info.sources).toMatchObject({ image: 'metadata', layout: 'metadata', outputRange: 'metadata' });
    const r = image(await g.sample({ count: 5, seed: 11, raw: true }));
    expect([r.count, r.height, r.width, r.channels]).toEqual([5, 4, 4, 3]);
    // The graph computes NHWC values then transposes; pixels must come back in that HWC order.
    const ref = dense(r.latents, m.w, m.b, 16, Math.tanh);
    expectClose(
      r.pixels,
      Array.from(ref, (v) => (v + 1) / 2),
    );
    // raw keeps the model's own NCHW order: raw[n][c][y][x] = ref[n][(y*4+x)*3+c].
    const rawRef = new Float64Array(5 * 48);
    for (let n = 0; n < 5; n++)
      for (let c = 0; c < 3; c++)
        for (let p = 0; p < 16; p++) rawRef[n * 48 + c * 16 + p] = ref[n * 48 + p * 3 + c]!;
    expectClose(r.raw!, rawRef);
    await g.dispose();
  });

  it('handles a PyTorch-style [N,16,1,1] latent and infers NCHW and the tanh range from the graph', async () => {
    const m = torchModel();
    const g = await loadGenerator(m.bytes);
    expect(g.info).toMatchObject({
      inputName: 'noise',
      outputName: 'out',
      latentDim: 16,
      latentShape: [16, 1, 1],
      image: { height: 4, width: 4, channels: 1, layout: 'NCHW' },
      outputRange: [-1, 1],
    });
    expect(g.info.sources).toMatchObject({ latentShape: 'graph', layout: 'graph', outputRange: 'graph' });
    const r = image(await g.sample({ count: 3, seed: 5 }));
    expectClose(
      r.pixels,
      Array.from(dense(r.latents, m.w, m.b, 16, Math.tanh), (v) => (v + 1) / 2),
    );
    await g.dispose();
  });

  it('loads a PyTorch-style generator whose output sizes are symbolic with no options: one run at batch 1 tells them', async () => {
    const m = torchModel(true);
    const g = await loadGenerator(m.bytes);
    expect(g.info.image).toEqual({ height: 4, width: 4, channels: 1, layout: 'NCHW' });
    expect(g.info.sources).toMatchObject({ outputShape: 'probe', image: 'probe', layout: 'graph' });
    const r = image(await g.sample({ count: 5, seed: 4 }));
    expectClose(
      r.pixels,
      Array.from(dense(r.latents, m.w, m.b, 16, Math.tanh), (v) => (v + 1) / 2),
    );
    await g.dispose();
    // An explicit option still wins over the probe.
    const given = await loadGenerator(m.bytes, { outputShape: [4, 4, 1], layout: 'NHWC' });
    expect(given.info.image).toEqual({ height: 4, width: 4, channels: 1, layout: 'NHWC' });
    expect(given.info.sources).toMatchObject({ image: 'option', layout: 'option' });
    expect(given.info.sources.outputShape).toBeUndefined();
    await given.dispose();
  });

  it('infers NHWC from a trailing channel axis', async () => {
    const m = nhwcModel();
    const g = await loadGenerator(m.bytes);
    expect(g.info.image).toEqual({ height: 4, width: 4, channels: 1, layout: 'NHWC' });
    const r = image(await g.sample({ count: 2, seed: 9 }));
    expectClose(
      r.pixels,
      Array.from(dense(r.latents, m.w, m.b, 16, Math.tanh), (v) => (v + 1) / 2),
    );
    await g.dispose();
  });

  it('reads a flat [N,16] output as a square 4x4 image, says so, and lets outputShape override it', async () => {
    const m = flatModel();
    const g = await loadGenerator(m.bytes);
    expect(g.info.image).toEqual({ height: 4, width: 4, channels: 1, layout: 'flat' });
    expect(g.info.outputRange).toEqual([0, 1]);
    expect(g.info.sources).toMatchObject({ kind: 'inferred', image: 'inferred', outputRange: 'graph' });
    const r = image(await g.sample({ count: 4, seed: 2 }));
    expectClose(r.pixels, dense(r.latents, m.w, m.b, 16, sigmoid));
    await g.dispose();
    await expect(loadGenerator(m.bytes, { outputShape: [5, 5, 1] })).rejects.toThrow(
      /holds 16 values per sample/,
    );
    const wide = await loadGenerator(m.bytes, { outputShape: [2, 8, 1] });
    expect(wide.info.image).toEqual({ height: 2, width: 8, channels: 1, layout: 'flat' });
    expect(wide.info.sources).toMatchObject({ image: 'option' });
    await wide.dispose();
    // kind: 'points' reads the same output as 16-D points instead.
    const points = await loadGenerator(m.bytes, { kind: 'points' });
    expect(points.info).toMatchObject({ kind: 'points', pointDims: 16 });
    await points.dispose();
  });

  it('asks for latentDim when the latent size is symbolic', async () => {
    const m = flatModel('d');
    await expect(loadGenerator(m.bytes, { outputShape: [4, 4] })).rejects.toThrow(/pass latentDim/);
    const g = await loadGenerator(m.bytes, { outputShape: [4, 4], latentDim: 16 });
    expect(g.info.latentShape).toEqual([16]);
    expect(g.info.sources.latentDim).toBe('option');
    const r = image(await g.sample({ count: 2, seed: 1 }));
    expectClose(r.pixels, dense(r.latents, m.w, m.b, 16, sigmoid));
    await g.dispose();
  });

  it('rejects options that contradict the graph', async () => {
    const bytes = rgbModel().bytes;
    await expect(loadGenerator(bytes, { latentDim: 10 })).rejects.toThrow(/latentDim 10 does not match/);
    await expect(loadGenerator(bytes, { outputRange: [1, 0] })).rejects.toThrow(InvalidArgumentError);
    await expect(loadGenerator(bytes, { layout: 'flat' })).rejects.toThrow(
      /layout 'flat' needs a 2-D output/,
    );
  });

  it('maps the output range option and clamps to [0,1]', async () => {
    const m = nhwcModel();
    const g = await loadGenerator(m.bytes, { outputRange: [0, 1] });
    const r = image(await g.sample({ count: 3, seed: 4 }));
    const ref = Array.from(dense(r.latents, m.w, m.b, 16, Math.tanh), (v) => Math.min(1, Math.max(0, v)));
    expectClose(r.pixels, ref);
    expect(ref.some((v) => v === 0)).toBe(true); // some tanh values were negative and got clamped
    await g.dispose();
  });

  it('runs a fixed-batch model in padded batches', async () => {
    const m = rgbModel(2);
    const g = await loadGenerator(m.bytes);
    const r = image(await g.sample({ count: 5, seed: 8 }));
    expect(r.count).toBe(5);
    expectClose(
      r.pixels,
      Array.from(dense(r.latents, m.w, m.b, 16, Math.tanh), (v) => (v + 1) / 2),
    );
    await g.dispose();
  });
});

describe('conditional generator', () => {
  it('feeds int64 labels and validates them', async () => {
    const m = labelModel();
    const g = await loadGenerator(m.bytes);
    expect(g.info.labelInputName).toBe('label');
    expect(g.info.classNames).toEqual(['cat', 'dog', 'bird']);
    const labels = [0, 2, 1, 2];
    const r = image(await g.sample({ count: 4, seed: 6, labels }));
    const shifted = new Float32Array(r.latents);
    labels.forEach((l, n) => {
      for (let k = 0; k < 8; k++) shifted[n * 8 + k] = r.latents[n * 8 + k]! + m.emb![l * 8 + k]!;
    });
    expectClose(
      r.pixels,
      Array.from(dense(shifted, m.w, m.b, 8, Math.tanh), (v) => (v + 1) / 2),
    );
    await expect(g.sample({ count: 2, seed: 1 })).rejects.toThrow(
      /conditional .*pass labels.*0\.\.2: cat, dog, bird/,
    );
    await expect(g.sample({ count: 2, labels: [0, 3] })).rejects.toThrow(
      /label 3 is not a valid class index/,
    );
    await expect(g.sample({ count: 2, labels: [0] })).rejects.toThrow(/labels must be an array of count = 2/);
    const strip = await g.interpolate(1, 2, 3, { label: 1 });
    expect(strip.count).toBe(3);
    await g.dispose();
  });
});

describe('sample, interpolate and lifecycle', () => {
  it('gives the same results for concurrent and sequential calls', async () => {
    const g = await loadGenerator(rgbModel().bytes);
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const sequential: SampleResult[] = [];
    for (const seed of seeds) sequential.push(await g.sample({ count: 3 + seed, seed }));
    const concurrent = await Promise.all(seeds.map((seed) => g.sample({ count: 3 + seed, seed })));
    concurrent.forEach((r, i) => expect(image(r).pixels).toEqual(image(sequential[i]!).pixels));
    await g.dispose();
  });

  /**
   * Real onnxruntime-node, wrapped to count runs in flight, record which outputs each run returned,
   * and fail the run numbered `failRun`.
   */
  function countingRuntime(failRun?: number) {
    const stats = { runs: 0, inFlight: 0, most: 0, fetched: [] as string[][] };
    const runtime = {
      Tensor: ort.Tensor,
      InferenceSession: {
        async create(bytes: Uint8Array) {
          const session = await ort.InferenceSession.create(bytes);
          return {
            release: () => session.release(),
            async run(feeds: Parameters<typeof session.run>[0], fetches?: readonly string[]) {
              stats.most = Math.max(stats.most, ++stats.inFlight);
              try {
                if (++stats.runs === failRun) throw new Error('injected failure');
                const out = await (fetches ? session.run(feeds, fetches) : session.run(feeds));
                stats.fetched.push(Object.keys(out));
                return out;
              } finally {
                stats.inFlight--;
              }
            },
          };
        },
      },
    };
    return { runtime, stats };
  }

  it('serialises runs on one session', async () => {
    const { runtime: counting, stats } = countingRuntime();
    const g = await createGenerator(rgbModel().bytes, {}, counting);
    await Promise.all([1, 2, 3, 4].map((seed) => g.sample({ count: 2, seed })));
    expect(stats.most).toBe(1);
    await g.dispose();
  });

  it('keeps serialising after a failed run, and runs at once again when idle', async () => {
    const { runtime: failing, stats } = countingRuntime(2);
    const g = await createGenerator(rgbModel().bytes, {}, failing);
    const reference = await loadGenerator(rgbModel().bytes);
    const calls = [1, 2, 3, 4].map((seed) => g.sample({ count: 2, seed }));
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/injected failure/);
    expect(stats.most).toBe(1);
    // Idle again: the next calls (one alone, then two together) run and give the reference images.
    const alone = image(await g.sample({ count: 3, seed: 9 }));
    expect(alone.pixels).toEqual(image(await reference.sample({ count: 3, seed: 9 })).pixels);
    const [a, b] = await Promise.all([g.sample({ count: 1, seed: 5 }), g.sample({ count: 4, seed: 6 })]);
    expect(image(a!).pixels).toEqual(image(await reference.sample({ count: 1, seed: 5 })).pixels);
    expect(image(b!).pixels).toEqual(image(await reference.sample({ count: 4, seed: 6 })).pixels);
    expect(stats.most).toBe(1);
    await g.dispose();
    await reference.dispose();
  });

  it('fetches only the output it uses from a graph with several', async () => {
    const m = rgbModel('N', true);
    const { runtime: recording, stats } = countingRuntime();
    const g = await createGenerator(m.bytes, {}, recording);
    expect(g.info.outputName).toBe('image');
    const r = image(await g.sample({ count: 2, seed: 4 }));
    expect(stats.fetched).toEqual([['image']]);
    expectClose(
      r.pixels,
      Array.from(dense(r.latents, m.w, m.b, 16, Math.tanh), (v) => (v + 1) / 2),
    );
    await g.dispose();
  });

  it('uses given latents and checks their length', async () => {
    const m = rgbModel();
    const g = await loadGenerator(m.bytes);
    const z = weights(99, 32, 1);
    const r = image(await g.sample({ count: 2, latents: z }));
    expect(r.latents).toBe(z);
    expectClose(
      r.pixels,
      Array.from(dense(z, m.w, m.b, 16, Math.tanh), (v) => (v + 1) / 2),
    );
    await expect(g.sample({ count: 3, latents: z })).rejects.toThrow(
      /count \* latentDim = 48 values, got 32/,
    );
    await expect(g.sample({ count: 0 })).rejects.toThrow(/count must be a positive integer/);
    await expect(g.sample({ count: 2, labels: [0, 1] })).rejects.toThrow(/no label input/);
    await g.dispose();
  });

  it('truncation bounds the seeded latents', async () => {
    const g = await loadGenerator(rgbModel().bytes);
    const r = await g.sample({ count: 64, seed: 3, truncation: 0.5 });
    expect(Math.max(...Array.from(r.latents, Math.abs))).toBeLessThanOrEqual(0.5);
    await expect(g.sample({ count: 1, truncation: -1 })).rejects.toThrow(
      /truncation must be a positive number/,
    );
    await g.dispose();
  });

  it('interpolates between seeds: the ends are the seeds own latents and samples', async () => {
    const g = await loadGenerator(rgbModel().bytes);
    for (const method of ['slerp', 'lerp'] as const) {
      const r = image(await g.interpolate(4, 9, 6, { method }));
      expect(r.count).toBe(6);
      expect(r.latents.subarray(0, 16)).toEqual(g.latents(4, 1));
      expect(r.latents.subarray(5 * 16)).toEqual(g.latents(9, 1));
      const first = image(await g.sample({ count: 1, seed: 4 }));
      expect(r.pixels.subarray(0, 48)).toEqual(first.pixels);
    }
    await expect(g.interpolate(1, new Float32Array(3), 4)).rejects.toThrow(
      /to must be a seed or a Float32Array/,
    );
    await g.dispose();
  });

  it('refuses to run after dispose', async () => {
    const g = await loadGenerator(rgbModel().bytes);
    await g.dispose();
    await expect(g.sample({ count: 1 })).rejects.toThrow(DisposedError);
  });

  it('reports unreadable sources clearly', async () => {
    await expect(loadGenerator('/nonexistent/g.onnx')).rejects.toThrow(
      /cannot read model '\/nonexistent\/g.onnx': no such file/,
    );
    await expect(loadGenerator(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toThrow(OnnxModelLoadError);
  });
});
