import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../kernels/backend';
import { resolveConfig, type ConfigOverrides } from '../config';
import { FileModelIO } from '../run/model-io';
import { resumeConfig } from './run-files';
import { train } from './train';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const out = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-epoch-files-'));
  dirs.push(dir);
  return join(dir, name);
};
// 96 images in batches of 16: 6 steps an epoch, 5 epochs.
const base: ConfigOverrides = {
  preset: 'tiny',
  limit: 96,
  batchSize: 16,
  hiddenG: [16],
  hiddenD: [16],
  latentDim: 4,
  seed: 3,
  epochs: 5,
  emaDecay: 0.5,
};

async function weights(dir: string): Promise<Float32Array> {
  const g = await tf.loadLayersModel(new FileModelIO(dir));
  const all = g.getWeights().flatMap((w) => Array.from(w.dataSync()));
  g.dispose();
  return Float32Array.from(all);
}

const epochsIn = (run: string) =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { epoch: number }).epoch);

describe('--epochFilesEvery', () => {
  it('writes samples and checkpoints every N epochs and the last, and trains the same weights', async () => {
    const every = out('every');
    const sparse = out('sparse');
    // Only the newest checkpoint stays on disk: the checkpoint events say which were written.
    const written = async (flags: ConfigOverrides) => {
      const steps: number[] = [];
      await train(resolveConfig({ flags }), {
        onEvent: (e) => void (e.status === 'checkpoint' && steps.push(e.step)),
      });
      return steps;
    };
    expect(await written({ ...base, out: every })).toEqual([6, 12, 18, 24, 30]);
    expect(await written({ ...base, epochFilesEvery: 2, out: sparse })).toEqual([12, 24, 30]);

    // Every epoch keeps its record; only epochs 2, 4 and the last write pictures.
    expect(epochsIn(every)).toEqual([1, 2, 3, 4, 5]);
    expect(epochsIn(sparse)).toEqual([1, 2, 3, 4, 5]);
    expect(readdirSync(join(every, 'samples')).filter((f) => f.endsWith('.png'))).toHaveLength(5);
    expect(readdirSync(join(sparse, 'samples')).filter((f) => f.endsWith('.png'))).toEqual([
      'epoch-0002.png',
      'epoch-0004.png',
      'epoch-0005.png',
    ]);

    // Skipping the files changes nothing that trains: G (the EMA copy) and D are bit-identical.
    expect(await weights(join(sparse, 'generator'))).toEqual(await weights(join(every, 'generator')));
    expect(await weights(join(sparse, 'discriminator'))).toEqual(await weights(join(every, 'discriminator')));
  });

  it('a stop between written epochs keeps its steps, and the resumed run ends as an unbroken one', async () => {
    const straight = out('straight');
    await train(resolveConfig({ flags: { ...base, epochFilesEvery: 2, out: straight } }));
    const split = out('split');
    const controller = new AbortController();
    // Step 15 is in epoch 3, after epoch 2's files and before epoch 4's.
    const first = await train(resolveConfig({ flags: { ...base, epochFilesEvery: 2, out: split } }), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.status === 'step' && e.step === 15) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.steps).toBe(15);
    const resumed = await train(resumeConfig(split), { resume: true });
    expect(resumed.steps).toBe(30);
    expect(await weights(join(split, 'generator'))).toEqual(await weights(join(straight, 'generator')));
  });

  it('refuses a count below 1 in one line', () => {
    expect(() => resolveConfig({ flags: { ...base, epochFilesEvery: 0 } })).toThrow(/epochFilesEvery/);
  });
});
