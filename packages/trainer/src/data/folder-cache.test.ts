import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchValues } from './datasets';
import { loadImageFolder } from './folder';
import { DecodeStopped, type DecodeProgress } from './folder-cache';
import { DatasetError } from './idx';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-cache-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** 42 small PNGs of seeded noise, each different (pieces of 5: the last one holds 2). */
const COUNT = 42;
let folder: string;
beforeAll(async () => {
  folder = join(tmp(), 'noise');
  mkdirSync(folder);
  let s = 7;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) % 256;
  for (let i = 0; i < COUNT; i++) {
    const px = Buffer.from(Array.from({ length: 6 * 6 * 3 }, next));
    await sharp(px, { raw: { width: 6, height: 6, channels: 3 } })
      .png()
      .toFile(join(folder, `${String(i).padStart(3, '0')}.png`));
  }
});

const opts = (cacheDir: string) => ({ size: 4, rgb: true, cacheDir, chunkImages: 5 });
const all = Int32Array.from({ length: COUNT }, (_, i) => i);
/** Every image as floats, read the way training reads them. */
const everything = (ds: Parameters<typeof batchValues>[0]) => Array.from(batchValues(ds, all));
const cacheFile = (dir: string) =>
  join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.u8'))!,
  );

describe('the decoded image cache', () => {
  it('streams the same batches from disk as it holds in memory', async () => {
    const cacheDir = tmp();
    const mem = await loadImageFolder(folder, { ...opts(cacheDir), memoryMb: 1 });
    const disk = await loadImageFolder(folder, { ...opts(cacheDir), memoryMb: 0 });
    expect(mem.examples.where).toBe('memory');
    expect(disk.examples.where).toBe('disk');
    expect(disk.values).toBeUndefined();
    expect(disk.fromCache).toBe(true);
    const order = [17, 3, 39, 3, 0, 22];
    expect(Array.from(batchValues(disk, order))).toEqual(Array.from(batchValues(mem, order)));
    expect(everything(disk)).toEqual(everything(mem));
    disk.examples.close();
  });

  it('continues a stopped decode where it stopped, to the same bytes as a fresh one', async () => {
    const fresh = await loadImageFolder(folder, opts(tmp()));
    const cacheDir = tmp();
    const controller = new AbortController();
    const seen: DecodeProgress[] = [];
    const stopped = loadImageFolder(folder, {
      ...opts(cacheDir),
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.done >= 10) controller.abort();
      },
    });
    await expect(stopped).rejects.toThrow(DecodeStopped);
    await expect(stopped).rejects.toThrow(/stopped at 10 of 42 images.*run the same command again/);
    expect(seen.map((p) => p.done)).toEqual([0, 5, 10]);

    const more: DecodeProgress[] = [];
    const resumed = await loadImageFolder(folder, { ...opts(cacheDir), onProgress: (p) => more.push(p) });
    expect(more[0]).toMatchObject({ done: 10, resumed: 10, total: COUNT });
    expect(more.at(-1)!.done).toBe(COUNT);
    expect(resumed.fromCache).toBe(false);
    expect(Buffer.compare(resumed.values, fresh.values)).toBe(0);
    expect(readFileSync(cacheFile(cacheDir)).length).toBe(COUNT * 4 * 4 * 3);
    expect((await loadImageFolder(folder, opts(cacheDir))).fromCache).toBe(true);
  });

  it('decodes again the part of a cache cut short or changed, and never reads it as it is', async () => {
    const cacheDir = tmp();
    const fresh = await loadImageFolder(folder, opts(cacheDir));
    const file = cacheFile(cacheDir);

    truncateSync(file, 13 * 4 * 4 * 3);
    const progress: DecodeProgress[] = [];
    const cut = await loadImageFolder(folder, { ...opts(cacheDir), onProgress: (p) => progress.push(p) });
    // Pieces of 5: the first two are whole, the rest is decoded again.
    expect(progress[0]).toMatchObject({ resumed: 10 });
    expect(cut.fromCache).toBe(false);
    expect(Buffer.compare(cut.values, fresh.values)).toBe(0);

    const bytes = readFileSync(file);
    const at = 27 * 4 * 4 * 3 + 5;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(file, bytes);
    const changed = await loadImageFolder(folder, { ...opts(cacheDir), memoryMb: 0 });
    expect(changed.fromCache).toBe(false);
    expect(everything(changed)).toEqual(everything(fresh));
    changed.examples.close();

    // A record that is not one (cut short by a crash of the disk) starts the decode over.
    const record = join(
      cacheDir,
      readdirSync(cacheDir).find((f) => f.endsWith('.json'))!,
    );
    writeFileSync(record, readFileSync(record, 'utf8').slice(0, 20));
    // A writer killed between writing the record's new copy and renaming it leaves the copy behind.
    writeFileSync(`${record}.tmp-999999999-1-1`, '{');
    const restarted: DecodeProgress[] = [];
    const over = await loadImageFolder(folder, { ...opts(cacheDir), onProgress: (p) => restarted.push(p) });
    expect(restarted[0]).toMatchObject({ done: 0, resumed: 0 });
    expect(Buffer.compare(over.values, fresh.values)).toBe(0);
    expect(readdirSync(cacheDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('holds a set in memory without a cache it cannot write, and says so for a set that streams', async () => {
    const blocker = join(tmp(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const cacheDir = join(blocker, 'cache');
    const fresh = await loadImageFolder(folder, opts(tmp()));
    const mem = await loadImageFolder(folder, opts(cacheDir));
    expect(Buffer.compare(mem.values, fresh.values)).toBe(0);
    const streamed = loadImageFolder(folder, { ...opts(cacheDir), memoryMb: 0 });
    await expect(streamed).rejects.toThrow(DatasetError);
    await expect(streamed).rejects.toThrow(/cannot write the decoded image cache .*set GANFORGE_CACHE_DIR/);
  });

  it('still refuses a folder with a broken image among many, naming the file', async () => {
    const broken = join(tmp(), 'broken');
    mkdirSync(broken);
    for (const f of readdirSync(folder).slice(0, 12))
      writeFileSync(join(broken, f), readFileSync(join(folder, f)));
    writeFileSync(join(broken, '999.png'), 'this is not a PNG');
    const cacheDir = tmp();
    await expect(loadImageFolder(broken, opts(cacheDir))).rejects.toThrow(/cannot read image .*999\.png/);
  });
});
