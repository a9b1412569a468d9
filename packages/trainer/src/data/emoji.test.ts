import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { batchValues, loadDataset } from './datasets';
import { EMOJI_CATEGORIES, emojiPackageDir, loadEmoji, readEmojiList } from './emoji';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-emoji-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the emoji dataset', () => {
  it('cuts the 64 px sheet into 64x64 RGB bytes on white, labelled by the 9 categories', async () => {
    const ds = await loadDataset({ dataset: 'emoji', channels: 'auto', seed: 1 });
    expect(ds.count).toBe(1906); // 1,911 emoji less the 5 skin-tone swatches
    expect(ds.shape).toEqual([64, 64, 3]);
    expect(ds.values).toBeInstanceOf(Uint8Array);
    expect(ds.values.length).toBe(1906 * 64 * 64 * 3);
    expect(ds.classNames).toEqual([...EMOJI_CATEGORIES]);
    expect(ds.license).toMatch(/Apache-2\.0.*MIT/);
    const perClass = new Array<number>(9).fill(0);
    for (const l of ds.labels!) perClass[l]!++;
    // Smileys, People, Animals, Food, Travel, Activities, Objects, Symbols, Flags.
    expect(perClass).toEqual([169, 386, 159, 131, 218, 85, 264, 224, 270]);

    // Each image equals its own PNG flattened on white (the sheet holds the same pixels).
    const dir = emojiPackageDir();
    const { entries } = readEmojiList(dir, false);
    for (const i of [0, 700, 1905]) {
      const png = join(dir, 'img', 'google', '64', entries[i]!.image);
      const own = await sharp(png).flatten({ background: '#ffffff' }).raw().toBuffer();
      const cut = ds.values.subarray(i * 64 * 64 * 3, (i + 1) * 64 * 64 * 3);
      let worst = 0;
      for (let k = 0; k < own.length; k++) worst = Math.max(worst, Math.abs(own[k]! - cut[k]!));
      expect(worst).toBeLessThanOrEqual(1);
      expect(cut[0]).toBe(255); // the corner is background: white
    }
    const batch = batchValues(ds, [0]);
    expect(batch[0]).toBe(1);
    expect(Math.min(...batch)).toBeGreaterThanOrEqual(-1);
  });

  it('adds the skin-tone variants as emoji-all; --limit keeps every category; other sizes and grey', async () => {
    const all = await loadEmoji({ dataset: 'emoji-all' });
    expect(all.count).toBe(3781);
    expect(new Set(all.groups).size).toBe(1906);

    const few = await loadDataset({ dataset: 'emoji', limit: 256, channels: 'auto', seed: 1 });
    expect(few.count).toBe(256);
    expect(new Set(few.labels).size).toBe(9);

    const small = await loadDataset({
      dataset: 'emoji',
      limit: 4,
      imageSize: 32,
      channels: 'grayscale',
      seed: 1,
    });
    expect(small.shape).toEqual([32, 32, 1]);
    expect(small.values.length).toBe(4 * 32 * 32);
  });

  it('says what to install when the package is missing, and refuses an emoji list it does not know', async () => {
    const elsewhere = pathToFileURL(join(tmp(), 'x.js')).href;
    expect(() => emojiPackageDir(elsewhere)).toThrow(
      /^the emoji dataset needs the emoji-datasource-google package: npm install emoji-datasource-google@16\.0\.0$/,
    );

    const fake = tmp();
    mkdirSync(join(fake, 'img', 'google', 'sheets-clean'), { recursive: true });
    const entry = { image: 'a.png', sheet_x: 0, sheet_y: 0, sort_order: 1 };
    writeFileSync(join(fake, 'emoji.json'), JSON.stringify([{ ...entry, category: 'Nonsense' }]));
    await expect(loadEmoji({ dataset: 'emoji', packageDir: fake })).rejects.toThrow(
      /emoji\.json puts a\.png in category "Nonsense", which is not one of the 9 GANForge knows: npm install emoji-datasource-google@16\.0\.0$/,
    );
    writeFileSync(join(fake, 'emoji.json'), JSON.stringify([{ image: 'a.png', category: 'Flags' }]));
    await expect(loadEmoji({ dataset: 'emoji', packageDir: fake })).rejects.toThrow(
      /emoji\.json is not the emoji list GANForge reads \(entry 0\.sheet_x: .*\): npm install/,
    );
    writeFileSync(join(fake, 'emoji.json'), JSON.stringify([{ ...entry, sheet_x: 70, category: 'Flags' }]));
    await sharp({ create: { width: 132, height: 132, channels: 4, background: '#000' } })
      .png()
      .toFile(join(fake, 'img', 'google', 'sheets-clean', '64.png'));
    await expect(loadEmoji({ dataset: 'emoji', packageDir: fake })).rejects.toThrow(
      /64\.png \(132x132\) does not hold a\.png where emoji\.json says/,
    );
  });
});
