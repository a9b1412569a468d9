import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config';
import { tf } from '../kernels/backend';
import { DecodeStopped } from '../data/folder-cache';
import { FileModelIO } from '../run/model-io';
import { train } from './train';
import type { TrainEvent } from './types';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'gf-stream-'));
  dirs.push(d);
  return d;
};
const cacheEnv = process.env.GANFORGE_CACHE_DIR;
let folder: string;
beforeAll(async () => {
  process.env.GANFORGE_CACHE_DIR = join(tmp(), 'cache');
  folder = join(tmp(), 'shapes');
  mkdirSync(folder);
  // 48 PNGs of seeded noise: a few dozen distinct images.
  let s = 11;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) % 256;
  for (let i = 0; i < 48; i++) {
    const px = Buffer.from(Array.from({ length: 10 * 10 * 3 }, next));
    await sharp(px, { raw: { width: 10, height: 10, channels: 3 } })
      .png()
      .toFile(join(folder, `${String(i).padStart(2, '0')}.png`));
  }
});
afterAll(() => {
  if (cacheEnv === undefined) delete process.env.GANFORGE_CACHE_DIR;
  else process.env.GANFORGE_CACHE_DIR = cacheEnv;
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function generatorWeights(runDir: string): Promise<Float32Array> {
  const g = await tf.loadLayersModel(new FileModelIO(join(runDir, 'generator')));
  const flat = tf.concat(g.getWeights().map((w) => w.flatten()));
  const out = (await flat.data()) as Float32Array;
  g.dispose();
  flat.dispose();
  return out;
}

/** A tiny run on the folder with the given memory budget: where its data was, and G's weights. */
async function run(dataMemoryMb: number) {
  const out = join(tmp(), 'run');
  let data: Extract<TrainEvent, { status: 'start' }>['data'] | undefined;
  const config = resolveConfig({
    flags: { preset: 'tiny', dataset: folder, imageSize: 8, batchSize: 8, seed: 5, out, dataMemoryMb },
  });
  const result = await train(config, {
    onEvent: (e) => {
      if (e.status === 'start') data = e.data;
    },
  });
  return { data, steps: result.steps, weights: await generatorWeights(out) };
}

describe('--data-memory-mb', () => {
  it('trains to the same weights whether the folder streams from disk or is held in memory', async () => {
    const streamed = await run(0);
    const held = await run(2048);
    expect(streamed.data).toEqual({ where: 'disk', bytes: 48 * 8 * 8 * 3 });
    expect(held.data).toEqual({ where: 'memory', bytes: 48 * 8 * 8 * 3 });
    expect(streamed.steps).toBe(12);
    expect(held.steps).toBe(12);
    expect(Buffer.from(streamed.weights.buffer).equals(Buffer.from(held.weights.buffer))).toBe(true);
  });

  it('stops a decode when asked, before the run writes anything', async () => {
    process.env.GANFORGE_CACHE_DIR = join(tmp(), 'fresh-cache');
    const out = join(tmp(), 'stopped');
    const controller = new AbortController();
    controller.abort();
    const config = resolveConfig({ flags: { preset: 'tiny', dataset: folder, imageSize: 8, out } });
    await expect(train(config, { signal: controller.signal })).rejects.toThrow(DecodeStopped);
    expect(existsSync(out)).toBe(false);
  });
});
