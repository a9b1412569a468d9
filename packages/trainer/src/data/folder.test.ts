import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchValues, loadDataset } from './datasets';
import { loadImageFolder } from './folder';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-folder-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
// Loads without a cacheDir cache under GANFORGE_CACHE_DIR (else the shared <tmpdir>/ganforge-cache).
const cacheEnv = process.env.GANFORGE_CACHE_DIR;
beforeAll(() => {
  process.env.GANFORGE_CACHE_DIR = join(tmp(), 'default-cache');
});
afterAll(() => {
  if (cacheEnv === undefined) delete process.env.GANFORGE_CACHE_DIR;
  else process.env.GANFORGE_CACHE_DIR = cacheEnv;
});

async function png(path: string, w: number, h: number, channels: 1 | 3, value: number) {
  await sharp(Buffer.alloc(w * h * channels, value), { raw: { width: w, height: h, channels } })
    .png()
    .toFile(path);
}

describe('image folders', () => {
  it('decodes, resizes and labels class subfolders; RGB or grayscale; cached for the next load', async () => {
    const root = join(tmp(), 'set');
    mkdirSync(join(root, 'b-light'), { recursive: true });
    mkdirSync(join(root, 'a-dark'), { recursive: true });
    await png(join(root, 'a-dark', '1.png'), 12, 10, 3, 0);
    await sharp(Buffer.alloc(10 * 10 * 3, 0), { raw: { width: 10, height: 10, channels: 3 } })
      .jpeg()
      .toFile(join(root, 'a-dark', '2.jpg'));
    await png(join(root, 'b-light', '1.png'), 6, 6, 1, 255);
    await sharp(Buffer.alloc(6 * 6 * 3, 255), { raw: { width: 6, height: 6, channels: 3 } })
      .webp({ lossless: true })
      .toFile(join(root, 'b-light', '2.webp'));
    writeFileSync(join(root, 'b-light', 'notes.txt'), 'not an image');
    const cacheDir = join(tmp(), 'cache');

    const a = await loadImageFolder(root, { size: 4, rgb: true, cacheDir });
    expect(a.count).toBe(4);
    expect(a.shape).toEqual([4, 4, 3]);
    expect(a.classNames).toEqual(['a-dark', 'b-light']);
    expect(Array.from(a.labels!)).toEqual([0, 0, 1, 1]);
    // Held as bytes, scaled per batch.
    expect(a.values).toBeInstanceOf(Uint8Array);
    expect(a.values.length).toBe(4 * 4 * 4 * 3);
    const batch = batchValues(a, [0, 1, 2, 3]);
    expect(batch[0]).toBe(-1); // black → -1
    expect(batch[batch.length - 1]).toBe(1); // white (a grayscale PNG in an RGB set) → 1
    expect(a.fromCache).toBe(false);
    const b = await loadImageFolder(root, { size: 4, rgb: true, cacheDir });
    expect(b.fromCache).toBe(true);
    expect(Array.from(b.values)).toEqual(Array.from(a.values));

    const gray = await loadDataset({ dataset: root, imageSize: 4, channels: 'grayscale', seed: 1 });
    expect(gray.shape).toEqual([4, 4, 1]);
  });

  it('explains an empty folder, an unreadable image, a class folder without images, and mixed layouts', async () => {
    const empty = join(tmp(), 'empty');
    mkdirSync(empty);
    await expect(loadImageFolder(empty, { size: 4, rgb: true })).rejects.toThrow(/image folder .* is empty/);

    const broken = join(tmp(), 'broken');
    mkdirSync(broken);
    await png(join(broken, 'ok.png'), 4, 4, 3, 9);
    writeFileSync(join(broken, 'bad.png'), 'this is not a PNG');
    await expect(loadImageFolder(broken, { size: 4, rgb: true, cacheDir: join(tmp(), 'c') })).rejects.toThrow(
      /cannot read image .*bad\.png/,
    );

    const noImages = join(tmp(), 'classes');
    mkdirSync(join(noImages, 'cats'), { recursive: true });
    await expect(loadImageFolder(noImages, { size: 4, rgb: true })).rejects.toThrow(
      /class folder .*cats has no images/,
    );

    const mixed = join(tmp(), 'mixed');
    mkdirSync(join(mixed, 'cats'), { recursive: true });
    await png(join(mixed, 'loose.png'), 4, 4, 3, 9);
    await expect(loadImageFolder(mixed, { size: 4, rgb: true })).rejects.toThrow(/mixes images/);
  });
});
