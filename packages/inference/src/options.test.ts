/**
 * What an app meets using the SDK: the default seed, errors that keep their cause, onnxruntime's
 * logging kept quiet, disposal with `await using`, cancelling with an AbortSignal, a conditional
 * model's classes, and onnxruntime's own session options type.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  createGenerator,
  DisposedError,
  InvalidArgumentError,
  loadGenerator,
  ModelRunError,
  OnnxModelLoadError,
} from './node';
import type { LoadOptions, OrtLike, OrtSessionLike } from './node';
import { labelModel, rgbModel } from './testing/models';
import { embeddingModel, unusedInitializerModel } from './testing/unusual-models';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('defaults', () => {
  it('seeds with 1 when no seed is given, as the command line does', async () => {
    const g = await loadGenerator(rgbModel().bytes);
    const plain = await g.sample({ count: 2 });
    const one = await g.sample({ count: 2, seed: 1 });
    expect(plain.latents).toEqual(one.latents);
    expect(plain.latents).not.toEqual((await g.sample({ count: 2, seed: 0 })).latents);
    await g.dispose();
  });
});

describe('errors keep their cause', () => {
  it('when onnxruntime refuses the model', async () => {
    // Decodes as ONNX, but onnxruntime knows no operator 'Tanx'.
    const bytes = rgbModel().bytes;
    const text = new TextDecoder('latin1').decode(bytes).replace('Tanh', 'Tanx');
    const broken = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const e = await loadGenerator(broken).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(e).toBeInstanceOf(OnnxModelLoadError);
    expect(e?.cause).toBeInstanceOf(Error);
    expect(String((e?.cause as Error).message)).toMatch(/Tanx/);
  });

  it('when a file cannot be read', async () => {
    const missing = await loadGenerator('/no/such/model.onnx').catch((err: Error) => err);
    expect((missing as Error).cause).toMatchObject({ code: 'ENOENT' });
  });

  it('ModelRunError carries what onnxruntime said', async () => {
    const session = (run: OrtSessionLike['run']): OrtLike => ({
      ...ort,
      InferenceSession: {
        create: async (bytes, options) => {
          const real = await ort.InferenceSession.create(bytes, options);
          return { run, release: () => real.release() } as OrtSessionLike;
        },
      },
    });
    const boom = new Error('device lost');
    const g = await createGenerator(
      rgbModel().bytes,
      {},
      session(() => Promise.reject(boom)),
    );
    const e = await g.sample({ count: 1 }).catch((err: Error) => err);
    expect(e).toBeInstanceOf(ModelRunError);
    expect((e as Error).cause).toBe(boom);
    await g.dispose();
  });
});

describe("onnxruntime's logging", () => {
  function load(options: string): string {
    const code = `import { loadGenerator } from '@ganforge/inference';
      import { unusedInitializerModel } from './packages/inference/src/testing/unusual-models.ts';
      const g = await loadGenerator(unusedInitializerModel(), ${options});
      await g.sample({ count: 1 });
      await g.dispose();`;
    const r = spawnSync(
      process.execPath,
      ['--conditions=@ganforge/source', '--import', 'tsx', '--input-type=module', '-e', code],
      { cwd: workspaceRoot, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    return r.stderr;
  }

  it('is quiet unless asked', () => {
    expect(unusedInitializerModel().length).toBeGreaterThan(0);
    expect(load('{}')).toBe('');
    expect(load('{ sessionOptions: { logSeverityLevel: 2 } }')).toMatch(/Removing initializer 'unused'/);
  }, 60_000);
});

describe('disposal and cancelling', () => {
  it('disposes with Symbol.asyncDispose (await using)', async () => {
    const g = await loadGenerator(rgbModel().bytes);
    expect(typeof g[Symbol.asyncDispose]).toBe('function');
    await g[Symbol.asyncDispose]();
    await expect(g.sample({ count: 1 })).rejects.toBeInstanceOf(DisposedError);
  });

  it('an aborted signal stops sample() before it runs', async () => {
    const g = await loadGenerator(rgbModel().bytes);
    const controller = new AbortController();
    controller.abort();
    await expect(g.sample({ count: 2, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    await expect(g.interpolate(1, 2, 3, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    await g.dispose();
  });

  it('aborting stops between batches', async () => {
    let runs = 0;
    const controller = new AbortController();
    const counting: OrtLike = {
      ...ort,
      InferenceSession: {
        create: async (bytes, options) => {
          const real = (await ort.InferenceSession.create(bytes, options)) as unknown as OrtSessionLike;
          return {
            run: (feeds: Parameters<OrtSessionLike['run']>[0], fetches?: readonly string[]) => {
              runs++;
              if (runs === 2) controller.abort(new Error('enough'));
              return fetches ? real.run(feeds, fetches) : real.run(feeds);
            },
            release: () => real.release(),
          } as OrtSessionLike;
        },
      },
    };
    // A fixed batch of 2: six samples are three runs.
    const g = await createGenerator(rgbModel(2).bytes, {}, counting);
    const e = await g.sample({ count: 6, signal: controller.signal }).catch((err: Error) => err);
    expect((e as Error).message).toBe('enough');
    expect(runs).toBe(2);
    // batchSize splits a model with a free batch size the same way, with the same results.
    const free = await loadGenerator(rgbModel().bytes);
    const whole = await free.sample({ count: 5, seed: 3 });
    const split = await free.sample({ count: 5, seed: 3, batchSize: 2 });
    expect(split).toEqual(whole);
    await expect(free.sample({ count: 2, batchSize: 0 })).rejects.toThrow(
      /batchSize must be a positive integer/,
    );
    await free.dispose();
    await g.dispose();
  });
});

describe("a conditional model's classes", () => {
  it('reads the class count from the embedding table, and names from the metadata', async () => {
    const g = await loadGenerator(embeddingModel(10));
    expect(g.info.classes).toEqual({ count: 10 });
    const named = await loadGenerator(labelModel().bytes);
    expect(named.info.classes).toEqual({ count: 3, names: ['cat', 'dog', 'bird'] });
    await named.dispose();
    const unconditional = await loadGenerator(rgbModel().bytes);
    expect(unconditional.info.classes).toBeUndefined();
    await unconditional.dispose();
    await g.dispose();
  });

  it('checks labels against the count before running', async () => {
    const g = await loadGenerator(embeddingModel(10));
    const e = await g.sample({ count: 2, labels: [1, 10] }).catch((err: Error) => err);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe('label 10 is not a valid class index (0..9)');
    await expect(g.interpolate(1, 2, 3, { label: 10 })).rejects.toThrow(
      'label 10 is not a valid class index (0..9)',
    );
    expect((await g.sample({ count: 2, labels: [0, 9] })).count).toBe(2);
    await g.dispose();
  });
});

describe('types', () => {
  it("takes onnxruntime's own session options", () => {
    const options: LoadOptions = {
      sessionOptions: { graphOptimizationLevel: 'basic', intraOpNumThreads: 1, logSeverityLevel: 3 },
      executionProviders: ['webgpu', 'cpu'],
    };
    // @ts-expect-error not one of onnxruntime's optimisation levels
    const wrong: LoadOptions = { sessionOptions: { graphOptimizationLevel: 'fastest' } };
    expect([options, wrong]).toHaveLength(2);
  });
});
