import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_IDX, loadDataset } from './datasets';
import { gaussianPoints } from './points2d';
import { readIdxImages, readIdxLabels, writeIdxImages, writeIdxLabels } from './idx';

const dir = mkdtempSync(join(tmpdir(), 'idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function idxImages(count: number, rows: number, cols: number, fill: (i: number) => number): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x803, 0);
  head.writeUInt32BE(count, 4);
  head.writeUInt32BE(rows, 8);
  head.writeUInt32BE(cols, 12);
  return Buffer.concat([head, Buffer.from(Array.from({ length: count * rows * cols }, (_, i) => fill(i)))]);
}

describe('IDX reader', () => {
  it('reads the bundled Fashion-MNIST test split', () => {
    const imgs = readIdxImages(BUILTIN_IDX['fashion-mnist-test']!.images);
    expect([imgs.count, imgs.rows, imgs.cols]).toEqual([10000, 28, 28]);
    const labels = readIdxLabels(
      BUILTIN_IDX['fashion-mnist-test']!.images.replace('images-idx3', 'labels-idx1'),
    );
    expect(labels.length).toBe(10000);
    expect(new Set(labels).size).toBe(10);
    // Real pixels: both black background and bright garments occur.
    expect(Math.min(...imgs.pixels.subarray(0, 784))).toBe(0);
    expect(Math.max(...imgs.pixels.subarray(0, 784))).toBeGreaterThan(200);
  });

  it('reads raw and gzipped files alike and scales to [-1, 1]', async () => {
    const raw = idxImages(3, 2, 2, (i) => (i * 20) % 256);
    writeFileSync(join(dir, 'a.idx'), raw);
    writeFileSync(join(dir, 'a.idx.gz'), gzipSync(raw));
    const a = readIdxImages(join(dir, 'a.idx'));
    const b = readIdxImages(join(dir, 'a.idx.gz'));
    expect(Array.from(a.pixels)).toEqual(Array.from(b.pixels));
    const ds = await loadDataset({ dataset: join(dir, 'a.idx.gz'), seed: 1, limit: 2, channels: 'auto' });
    expect(ds.count).toBe(2);
    expect(ds.shape).toEqual([2, 2, 1]);
    expect(ds.values[0]).toBe(-1);
    expect(ds.values[1]).toBeCloseTo(20 / 127.5 - 1, 6);
  });

  it('explains truncated, corrupt and wrong files', () => {
    const raw = idxImages(4, 3, 3, () => 7);
    writeFileSync(join(dir, 'trunc.idx'), raw.subarray(0, raw.length - 5));
    expect(() => readIdxImages(join(dir, 'trunc.idx'))).toThrow(/truncated: header says 4 images/);
    const gz = gzipSync(raw);
    writeFileSync(join(dir, 'trunc.gz'), gz.subarray(0, gz.length - 10));
    expect(() => readIdxImages(join(dir, 'trunc.gz'))).toThrow(/not a readable gzip file/);
    writeFileSync(
      join(dir, 'labels.idx'),
      readFileSync(BUILTIN_IDX['fashion-mnist-test']!.images.replace('images-idx3', 'labels-idx1')),
    );
    expect(() => readIdxImages(join(dir, 'labels.idx'))).toThrow(/not an IDX image file/);
    expect(() => readIdxImages(join(dir, 'nothing.idx'))).toThrow(/not found/);
    expect(() => readIdxImages(dir)).toThrow(/is a directory/);
    writeFileSync(
      join(dir, 'empty.idx'),
      idxImages(0, 28, 28, () => 0),
    );
    expect(() => readIdxImages(join(dir, 'empty.idx'))).toThrow(
      /empty\.idx holds no images: its IDX header says 0 images of 28x28/,
    );
  });

  it('checks label files as given, before --limit, and refuses gaps in the class numbering', async () => {
    writeFileSync(
      join(dir, 'six.idx'),
      idxImages(6, 2, 2, (i) => i % 256),
    );
    const write = (name: string, labels: number[]) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(0x801, 0);
      head.writeUInt32BE(labels.length, 4);
      writeFileSync(join(dir, name), Buffer.concat([head, Buffer.from(labels)]));
      return join(dir, name);
    };
    const load = (labels: string, limit?: number) =>
      loadDataset({
        dataset: join(dir, 'six.idx'),
        labels,
        seed: 1,
        channels: 'auto',
        ...(limit ? { limit } : {}),
      });
    // Ten labels for six images: wrong even when --limit keeps only the first four of each.
    await expect(load(write('ten.idx', [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]), 4)).rejects.toThrow(
      /ten\.idx has 10 labels but .*six\.idx has 6 images/,
    );
    await expect(load(write('gap.idx', [0, 1, 200, 0, 1, 0]))).rejects.toThrow(
      /gap\.idx: labels must number the classes 0\.\.C-1, but values go up to 200 and 198 of them never appear \(2, 3, 4, 5, 6, …\)/,
    );
    const ok = await load(write('ok.idx', [0, 1, 2, 2, 1, 0]), 4);
    expect(Array.from(ok.labels!)).toEqual([0, 1, 2, 2]);
    expect(ok.classNames).toEqual(['0', '1', '2']);
  });
});

describe('IDX writer', () => {
  it('writes 4-D colour images (0x00000804, [N, H, W, C]) and 3-D grayscale ones that read back', async () => {
    const rgb = Uint8Array.from({ length: 3 * 2 * 4 * 3 }, (_, i) => (i * 7) % 256);
    for (const name of ['rgb.idx', 'rgb.idx.gz']) {
      writeIdxImages(join(dir, name), rgb, { count: 3, rows: 2, cols: 4, channels: 3 });
      const back = readIdxImages(join(dir, name));
      expect([back.count, back.rows, back.cols, back.channels]).toEqual([3, 2, 4, 3]);
      expect(Array.from(back.pixels)).toEqual(Array.from(rgb));
    }
    const raw = readFileSync(join(dir, 'rgb.idx'));
    expect([0, 4, 8, 12, 16].map((o) => raw.readUInt32BE(o))).toEqual([0x804, 3, 2, 4, 3]);
    expect(readIdxImages(join(dir, 'rgb.idx'), 2).pixels.length).toBe(2 * 2 * 4 * 3);

    writeIdxImages(join(dir, 'grey.idx'), rgb.subarray(0, 24), { count: 3, rows: 2, cols: 4, channels: 1 });
    expect(readFileSync(join(dir, 'grey.idx')).readUInt32BE(0)).toBe(0x803);
    expect(readIdxImages(join(dir, 'grey.idx')).channels).toBe(1);
    writeIdxLabels(join(dir, 'l.idx.gz'), [2, 0, 1]);
    expect(Array.from(readIdxLabels(join(dir, 'l.idx.gz')))).toEqual([2, 0, 1]);
    expect(() =>
      writeIdxImages(join(dir, 'x.idx'), rgb, { count: 2, rows: 2, cols: 4, channels: 3 }),
    ).toThrow(/not 2 images of 2x4x3/);

    // Training reads a colour IDX file as RGB; --channels=grayscale converts it.
    const ds = await loadDataset({ dataset: join(dir, 'rgb.idx.gz'), seed: 1, channels: 'auto' });
    expect(ds.shape).toEqual([2, 4, 3]);
    expect(ds.values[1]).toBeCloseTo(7 / 127.5 - 1, 6);
    writeIdxImages(join(dir, 'sq.idx'), rgb.subarray(0, 48), { count: 4, rows: 2, cols: 2, channels: 3 });
    const grey = await loadDataset({ dataset: join(dir, 'sq.idx'), seed: 1, channels: 'grayscale' });
    expect([grey.count, ...grey.shape]).toEqual([4, 2, 2, 1]);
  });

  it('explains a truncated 4-D file with its shape', () => {
    const head = Buffer.alloc(20);
    [0x804, 2, 3, 3, 3].forEach((v, i) => head.writeUInt32BE(v, 4 * i));
    writeFileSync(join(dir, 'short4.idx'), Buffer.concat([head, Buffer.alloc(30)]));
    expect(() => readIdxImages(join(dir, 'short4.idx'))).toThrow(
      /truncated: header says 2 images of 3x3x3 \(74 bytes\), file has 50/,
    );
  });
});

describe('gaussian2d data', () => {
  it('is X·A + b: mean near b, repeatable per seed', () => {
    const p = gaussianPoints(4, 1000);
    expect(Array.from(p)).toEqual(Array.from(gaussianPoints(4, 1000)));
    expect(Array.from(p)).not.toEqual(Array.from(gaussianPoints(5, 1000)));
    let mx = 0;
    let my = 0;
    for (let i = 0; i < 1000; i++) {
      mx += p[2 * i]! / 1000;
      my += p[2 * i + 1]! / 1000;
    }
    expect(mx).toBeCloseTo(1, 0);
    expect(my).toBeCloseTo(2, 0);
  });
});
