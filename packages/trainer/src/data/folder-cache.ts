/**
 * The decoded pixels of an image folder, on disk: `<dir>/<key>.u8` holds every image's bytes one after
 * the other, and `<key>.json` records which pieces of it (runs of `chunkImages` images) are written,
 * with each piece's CRC-32. Decoding fills the missing pieces in order and saves the record after each
 * one (the piece synced to disk first), so a decode stopped by Ctrl-C, kill or a crash continues at the
 * first piece not recorded. Every load checks each recorded piece against its CRC: a file cut short or
 * changed is decoded again where it differs, and never read as it is.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { isLeftoverTemp, writeFileAtomic } from '@ganforge/contracts';
import { DatasetError } from './idx';

const RECORD_VERSION = 1;
/** About this many bytes of images per piece: a record written every few seconds of decoding. */
const CHUNK_BYTES = 8 * 2 ** 20;
/** Images decoded at once: keeps libvips busy without holding every file in memory. */
const IN_FLIGHT = 4;

/** What the record says: which pieces are written, by their CRC-32 (null: not yet). */
interface CacheRecord {
  version: number;
  count: number;
  bytesPerImage: number;
  chunkImages: number;
  crc: (number | null)[];
}

/** How far a decode is: images done of the total, those a previous decode left, and the pace. */
export interface DecodeProgress {
  done: number;
  total: number;
  /** Images an earlier, stopped decode had already written (decoding continued after them). */
  resumed: number;
  /** Images decoded per second by this decode. */
  perSec: number;
  /** The cache file the decode writes. */
  cache: string;
}

/** A decode stopped by its signal (Ctrl-C, SIGTERM): what is written stays for the next run. */
export class DecodeStopped extends DatasetError {
  override name = 'DecodeStopped';
}

export interface FillOptions {
  dir: string;
  key: string;
  count: number;
  /** Bytes of one decoded image. */
  bytesPerImage: number;
  /** Images per piece of the cache (default: about 8 MiB of them). */
  chunkImages?: number;
  /** Image i's bytes (bytesPerImage of them). */
  decode: (i: number) => Promise<Uint8Array>;
  /** Receives every image's bytes (the in-memory case); without it, pieces pass through one buffer. */
  into?: Uint8Array;
  /** Stops the decode after the piece in hand (its work kept): DecodeStopped. */
  signal?: AbortSignal;
  onProgress?: (p: DecodeProgress) => void;
}

export interface FillResult {
  /** The complete cache file; absent when it could not be written (the images are then only in `into`). */
  path?: string;
  /** Images decoded by this call (0: the cache held them all). */
  decoded: number;
}

/** The cache file a folder's decoded images go to. */
export const cacheFilePath = (dir: string, key: string): string => join(dir, `${key}.u8`);

/** The pieces the record names as written, or none when it is missing or is not for this layout. */
function readRecord(path: string, want: Omit<CacheRecord, 'crc'>, chunks: number): (number | null)[] {
  const none = new Array<number | null>(chunks).fill(null);
  if (!existsSync(path)) return none;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<CacheRecord>;
    const same =
      r.version === want.version &&
      r.count === want.count &&
      r.bytesPerImage === want.bytesPerImage &&
      r.chunkImages === want.chunkImages &&
      Array.isArray(r.crc) &&
      r.crc.length === chunks &&
      r.crc.every((c) => c === null || Number.isInteger(c));
    return same ? r.crc! : none;
  } catch {
    return none;
  }
}

/** Removes the record's temporary copies that a writer killed mid-write left behind. */
function removeLeftovers(dir: string, key: string): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith(`${key}.json.tmp-`) && isLeftoverTemp(name)) rmSync(join(dir, name), { force: true });
  }
}

/** Reads up to target.length bytes at `pos`; the count read (less at the end of the file). */
function readAt(fd: number, target: Uint8Array, pos: number): number {
  let got = 0;
  while (got < target.length) {
    const n = readSync(fd, target, got, target.length - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function writeAt(fd: number, data: Uint8Array, pos: number): void {
  let put = 0;
  while (put < data.length) put += writeSync(fd, data, put, data.length - put, pos + put);
}

/** Decodes images from..to-1 into `target` (image `from` at its start), a few at a time. */
async function decodeRange(o: FillOptions, from: number, to: number, target: Uint8Array): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      target.set(await o.decode(i), (i - from) * o.bytesPerImage);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, to - from) }, worker));
}

/** The one line for a cache that a streamed dataset needs and the disk refuses. */
function cacheWriteError(o: FillOptions, e: unknown): DatasetError {
  const mb = Math.ceil((o.count * o.bytesPerImage) / 2 ** 20);
  return new DatasetError(
    `cannot write the decoded image cache in ${o.dir} (${(e as Error).message.split('\n')[0]}): training reads these images from it; set GANFORGE_CACHE_DIR to a folder with ${mb} MB free`,
  );
}

/** Where the cache cannot be written, the images decoded into memory only (when they go there). */
async function decodeWithoutCache(o: FillOptions, e: unknown): Promise<FillResult> {
  if (!o.into) throw cacheWriteError(o, e);
  await decodeRange(o, 0, o.count, o.into);
  return { decoded: o.count };
}

/**
 * Makes the cache of `o.key` complete, decoding only the pieces it lacks or holds wrongly, and puts
 * every image's bytes into `o.into` when given.
 */
export async function fillCache(o: FillOptions): Promise<FillResult> {
  const per = o.bytesPerImage;
  const chunkImages = o.chunkImages ?? Math.max(1, Math.floor(CHUNK_BYTES / per));
  const chunks = Math.ceil(o.count / chunkImages);
  const layout = { version: RECORD_VERSION, count: o.count, bytesPerImage: per, chunkImages };
  const path = cacheFilePath(o.dir, o.key);
  const recordPath = join(o.dir, `${o.key}.json`);
  let fd: number;
  try {
    mkdirSync(o.dir, { recursive: true });
    removeLeftovers(o.dir, o.key);
    fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
  } catch (e) {
    return decodeWithoutCache(o, e);
  }
  try {
    const crc = readRecord(recordPath, layout, chunks);
    const piece = (c: number) => ({ from: c * chunkImages, to: Math.min(o.count, (c + 1) * chunkImages) });
    const buf = o.into ? undefined : new Uint8Array(Math.min(chunkImages, o.count) * per);
    const target = (from: number, to: number) =>
      o.into ? o.into.subarray(from * per, to * per) : buf!.subarray(0, (to - from) * per);
    // A recorded piece counts only when the file still holds it.
    for (let c = 0; c < chunks; c++) {
      if (crc[c] === null) continue;
      const { from, to } = piece(c);
      const t = target(from, to);
      if (readAt(fd, t, from * per) !== t.length || crc32(t) !== crc[c]) crc[c] = null;
    }
    const todo = crc.flatMap((c, i) => (c === null ? [i] : []));
    // Exactly the images' bytes: anything a longer file held after them goes.
    ftruncateSync(fd, o.count * per);
    if (todo.length === 0) return { path, decoded: 0 };
    const pieces = { fd, path, recordPath, layout, crc, todo, piece, target, writable: true };
    const decoded = await decodePieces(o, pieces);
    return { ...(pieces.writable ? { path } : {}), decoded };
  } finally {
    closeSync(fd);
  }
}

interface Pieces {
  fd: number;
  path: string;
  recordPath: string;
  layout: Omit<CacheRecord, 'crc'>;
  crc: (number | null)[];
  todo: number[];
  piece: (c: number) => { from: number; to: number };
  target: (from: number, to: number) => Uint8Array;
  /** False once a write failed (a full disk) for a decode whose images also go into memory. */
  writable: boolean;
}

/** Piece c onto disk, synced, then into the record; a failed write ends writing (see `writable`). */
function savePiece(o: FillOptions, p: Pieces, c: number, t: Uint8Array): void {
  if (!p.writable) return;
  try {
    writeAt(p.fd, t, p.piece(c).from * o.bytesPerImage);
    fdatasyncSync(p.fd);
    p.crc[c] = crc32(t);
    writeFileAtomic(p.recordPath, JSON.stringify({ ...p.layout, crc: p.crc }));
  } catch (e) {
    // In memory the run goes on; the cache only costs a decode next time.
    if (o.into) p.writable = false;
    else throw cacheWriteError(o, e);
  }
}

/** Decodes the pieces in `p.todo`, each synced to disk and then recorded; the images decoded. */
async function decodePieces(o: FillOptions, p: Pieces): Promise<number> {
  const sizeOf = (c: number) => p.piece(c).to - p.piece(c).from;
  let done = o.count - p.todo.reduce((s, c) => s + sizeOf(c), 0);
  const resumed = done;
  const t0 = performance.now();
  const report = () =>
    o.onProgress?.({
      done,
      total: o.count,
      resumed,
      perSec: (done - resumed) / Math.max(1e-3, (performance.now() - t0) / 1000),
      cache: p.path,
    });
  report();
  for (const c of p.todo) {
    if (o.signal?.aborted) {
      throw new DecodeStopped(
        `decoding stopped at ${done.toLocaleString('en')} of ${o.count.toLocaleString('en')} images; they are kept in ${p.path}: run the same command again to continue from there`,
      );
    }
    const { from, to } = p.piece(c);
    const t = p.target(from, to);
    await decodeRange(o, from, to, t);
    savePiece(o, p, c, t);
    done += to - from;
    report();
  }
  return done - resumed;
}
