/**
 * The emoji dataset: Google's Noto Emoji at 64x64 from the `emoji-datasource-google` npm package (a
 * dev dependency of the workspace, not of the published trainer). The whole 64 px sheet is decoded
 * once with its alpha composited on white, then cut into cells; labels are emoji.json's 9 categories
 * (the 5 skin-tone swatches of the "Component" category are left out). Pixels stay bytes in memory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import type { InMemoryDataset } from './types';
import { inMemory } from './examples';
import { DatasetError } from './idx';

export const EMOJI_PACKAGE = 'emoji-datasource-google';
export const EMOJI_VERSION = '16.0.0';
const INSTALL = `npm install ${EMOJI_PACKAGE}@${EMOJI_VERSION}`;

/** The categories, in emoji.json's own order; class i of the dataset is EMOJI_CATEGORIES[i]. */
export const EMOJI_CATEGORIES = [
  'Smileys & Emotion',
  'People & Body',
  'Animals & Nature',
  'Food & Drink',
  'Travel & Places',
  'Activities',
  'Objects',
  'Symbols',
  'Flags',
] as const;
/** Skin-tone swatches, not emoji one would draw: left out of the dataset. */
const LEFT_OUT = 'Component';

export const EMOJI_LICENSE =
  'Noto Emoji images: Apache-2.0, Copyright Google Inc.; emoji-datasource-google: MIT, Copyright (c) 2013 Cal Henderson';

/** `emoji`: one image per emoji; `emoji-all`: also every skin-tone variant (most are People & Body). */
export const EMOJI_DATASETS: Record<string, { skinTones: boolean; label: string }> = {
  emoji: { skinTones: false, label: 'Noto Emoji 64x64, one image per emoji' },
  'emoji-all': { skinTones: true, label: 'Noto Emoji 64x64 with every skin-tone variant' },
};

export const isEmojiDataset = (name: string): boolean => Object.hasOwn(EMOJI_DATASETS, name);

/** The sheet's layout: 64 px images in 66 px cells (1 px of padding on each side). */
const CELL = 66;
const PAD = 1;
export const EMOJI_SIZE = 64;

const Cell = z.object({
  image: z.string(),
  sheet_x: z.number().int().min(0),
  sheet_y: z.number().int().min(0),
});
const EmojiJson = z.array(
  Cell.extend({
    category: z.string(),
    sort_order: z.number(),
    skin_variations: z.record(z.string(), Cell).optional(),
  }),
);

/** Where the package lies; a DatasetError with the install line when it is not installed. */
export function emojiPackageDir(from: string = import.meta.url): string {
  try {
    return dirname(createRequire(from).resolve(`${EMOJI_PACKAGE}/package.json`));
  } catch {
    throw new DatasetError(`the emoji dataset needs the ${EMOJI_PACKAGE} package: ${INSTALL}`);
  }
}

export interface EmojiEntry {
  image: string;
  x: number;
  y: number;
  label: number;
  /** Index of the emoji whose skin-tone variant this is (its own index for a base emoji). */
  group: number;
}

/** The emoji in sort order (each followed by its skin-tone variants when asked), checked against the sheet. */
export function readEmojiList(dir: string, skinTones: boolean): { entries: EmojiEntry[]; leftOut: number } {
  const path = join(dir, 'emoji.json');
  if (!existsSync(path)) throw new DatasetError(`${path} is missing: reinstall with ${INSTALL}`);
  const parsed = EmojiJson.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DatasetError(
      `${path} is not the emoji list GANForge reads (entry ${issue.path.join('.')}: ${issue.message}): ${INSTALL}`,
    );
  }
  const known = new Set<string>([...EMOJI_CATEGORIES, LEFT_OUT]);
  const odd = parsed.data.find((e) => !known.has(e.category));
  if (odd) {
    throw new DatasetError(
      `${path} puts ${odd.image} in category "${odd.category}", which is not one of the ${EMOJI_CATEGORIES.length} GANForge knows: ${INSTALL}`,
    );
  }
  const sorted = [...parsed.data].sort((a, b) => a.sort_order - b.sort_order);
  const entries: EmojiEntry[] = [];
  let leftOut = 0;
  let group = 0;
  for (const e of sorted) {
    if (e.category === LEFT_OUT) {
      leftOut++;
      continue;
    }
    const label = EMOJI_CATEGORIES.indexOf(e.category as (typeof EMOJI_CATEGORIES)[number]);
    const cells = [e, ...(skinTones ? Object.values(e.skin_variations ?? {}) : [])];
    for (const c of cells) entries.push({ image: c.image, x: c.sheet_x, y: c.sheet_y, label, group });
    group++;
  }
  return { entries, leftOut };
}

/** Copies one cell of an RGB sheet (row stride `width`) into `out` at `offset`. */
function cutCell(sheet: Buffer, width: number, e: EmojiEntry, out: Uint8Array, offset: number): void {
  const x0 = e.x * CELL + PAD;
  const y0 = e.y * CELL + PAD;
  const row = EMOJI_SIZE * 3;
  for (let y = 0; y < EMOJI_SIZE; y++) {
    const src = ((y0 + y) * width + x0) * 3;
    out.set(sheet.subarray(src, src + row), offset + y * row);
  }
}

/** Resizes / greys one 64x64 RGB image when the run asks for another shape. */
async function reshape(rgb: Uint8Array, size: number, channels: 1 | 3): Promise<Uint8Array> {
  let img = sharp(rgb, { raw: { width: EMOJI_SIZE, height: EMOJI_SIZE, channels: 3 } });
  if (size !== EMOJI_SIZE) img = img.resize(size, size, { fit: 'fill' });
  if (channels === 1) img = img.toColourspace('b-w');
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.channels === channels) return new Uint8Array(data);
  return Uint8Array.from({ length: size * size }, (_, i) => data[i * info.channels]!);
}

export interface EmojiOptions {
  /** `emoji` or `emoji-all`. */
  dataset: string;
  limit?: number;
  /** Square size (default 64, the sheet's). */
  size?: number;
  rgb?: boolean;
  /** Where the package lies (default: resolved from this module). */
  packageDir?: string;
}

/** Loads the emoji set as bytes ([-1, 1] per batch); `--limit` keeps every n/total-th emoji, so all categories stay. */
export async function loadEmoji(opts: EmojiOptions): Promise<InMemoryDataset & { groups: Int32Array }> {
  const spec = EMOJI_DATASETS[opts.dataset];
  if (!spec) throw new DatasetError(`unknown emoji dataset "${opts.dataset}"`);
  const dir = opts.packageDir ?? emojiPackageDir();
  const { entries: all } = readEmojiList(dir, spec.skinTones);
  const sheetPath = join(dir, 'img', 'google', 'sheets-clean', `${EMOJI_SIZE}.png`);
  if (!existsSync(sheetPath)) throw new DatasetError(`${sheetPath} is missing: reinstall with ${INSTALL}`);
  const { data: sheet, info } = await sharp(sheetPath)
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const outside = all.find((e) => (e.x + 1) * CELL > info.width || (e.y + 1) * CELL > info.height);
  if (info.channels !== 3 || outside) {
    throw new DatasetError(
      `${sheetPath} (${info.width}x${info.height}) does not hold ${outside?.image ?? 'RGB cells'} where emoji.json says: ${INSTALL}`,
    );
  }
  const n = opts.limit ? Math.min(opts.limit, all.length) : all.length;
  const entries = Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)]!);
  const size = opts.size ?? EMOJI_SIZE;
  const channels = opts.rgb === false ? 1 : 3;
  const per = size * size * channels;
  const values = new Uint8Array(n * per);
  const cell = new Uint8Array(EMOJI_SIZE * EMOJI_SIZE * 3);
  for (let i = 0; i < n; i++) {
    if (per === cell.length) cutCell(sheet, info.width, entries[i]!, values, i * per);
    else {
      cutCell(sheet, info.width, entries[i]!, cell, 0);
      values.set(await reshape(cell, size, channels), i * per);
    }
  }
  const variants = spec.skinTones ? ' with skin tones' : '';
  return inMemory({
    name: `${opts.dataset} (Noto Emoji${variants}, ${n} images, ${EMOJI_CATEGORIES.length} categories)`,
    license: EMOJI_LICENSE,
    values,
    shape: [size, size, channels],
    count: n,
    kind: 'image',
    imageShape: [size, size, channels],
    labels: Int32Array.from(entries, (e) => e.label),
    classNames: [...EMOJI_CATEGORIES],
    groups: Int32Array.from(entries, (e) => e.group),
  });
}
