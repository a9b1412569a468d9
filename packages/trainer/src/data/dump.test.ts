/** dumpDataset: the images a run trains on, written as IDX, read back byte for byte. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config';
import { BUILTIN_IDX, loadDataset } from './datasets';
import { dumpDataset, labelPathFor } from './dump';
import { readIdxImages, readIdxLabels } from './idx';

const dir = mkdtempSync(join(tmpdir(), 'dump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dumpDataset', () => {
  it('writes the emoji set as a run at --imageSize=80 loads it, with its labels', async () => {
    const config = resolveConfig({ flags: { preset: 'rdcgan80', limit: 30 } });
    const out = join(dir, 'emoji-images-idx4-ubyte.gz');
    const result = await dumpDataset(config, out);
    expect(result).toMatchObject({
      count: 30,
      shape: [80, 80, 3],
      labels: join(dir, 'emoji-labels-idx1-ubyte.gz'),
    });
    const back = readIdxImages(out);
    expect([back.count, back.rows, back.cols, back.channels]).toEqual([30, 80, 80, 3]);
    const trained = await loadDataset({ ...config, dataset: 'emoji', channels: 'rgb' });
    expect(Buffer.compare(Buffer.from(back.pixels), Buffer.from(trained.values as Uint8Array))).toBe(0);
    expect(Array.from(readIdxLabels(result.labels!))).toEqual(Array.from(trained.labels!));
  });

  it('gives back the exact bytes of an IDX file it loaded as floats', async () => {
    const config = resolveConfig({ flags: { preset: 'dcgan28', limit: 5 } });
    const out = join(dir, 'fashion.idx');
    const result = await dumpDataset(config, out, { labels: false });
    expect(result.labels).toBeUndefined();
    const [a, b] = [readIdxImages(out), readIdxImages(BUILTIN_IDX['fashion-mnist-test']!.images, 5)];
    expect(a.channels).toBe(1);
    expect(Buffer.compare(Buffer.from(a.pixels), Buffer.from(b.pixels))).toBe(0);
  });

  it('names the label file after the images', () => {
    expect(labelPathFor('/d/x-images-idx4-ubyte.gz')).toBe('/d/x-labels-idx1-ubyte.gz');
    expect(labelPathFor('/d/emoji.gz')).toBe('/d/emoji.labels.gz');
    expect(labelPathFor('/d/emoji.idx')).toBe('/d/emoji.idx.labels');
  });
});
