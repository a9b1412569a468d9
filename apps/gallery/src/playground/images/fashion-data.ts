/**
 * Image mode's data: the first N images of the Fashion-MNIST test split the trainer bundles
 * (packages/trainer/data/fashion-mnist, MIT, © 2017 Zalando SE: see the README there, which the page
 * shows). The gzipped IDX file is built into the site as one asset; the worker streams it through the
 * browser's gunzip and stops reading once it has N images, so a 2,000-image run downloads about a fifth
 * of it. Pixels are scaled to [-1, 1] as the trainer scales them.
 */

import imagesUrl from '@ganforge/trainer/data/fashion-mnist/t10k-images-idx3-ubyte.gz?url';

/** The trainer's bundled file, emitted by the build under assets/. */
const IMAGES_URL = new URL(imagesUrl, import.meta.url);
const IDX3_MAGIC = 0x00000803;
const HEADER = 16;

export interface ImageData {
  /** count x 28 x 28 x 1 values in [-1, 1], row-major (NHWC). */
  values: Float32Array;
  count: number;
  shape: [number, number, number];
}

const cache = new Map<number, Promise<ImageData>>();

/** The first `count` images (fetched once per count and worker). */
export function fashionImages(count: number): Promise<ImageData> {
  let p = cache.get(count);
  if (!p) {
    p = readImages(count);
    cache.set(count, p);
    p.catch(() => cache.delete(count));
  }
  return p;
}

async function readImages(count: number): Promise<ImageData> {
  const res = await fetch(IMAGES_URL);
  if (!res.ok || !res.body) {
    throw new Error(`could not load the Fashion-MNIST images (${IMAGES_URL.pathname}: HTTP ${res.status})`);
  }
  const reader = (await gunzipped(res.body)).getReader();
  let header: Uint8Array | undefined;
  let rows = 0;
  let cols = 0;
  let pixels: Uint8Array | undefined;
  let filled = 0;
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  try {
    while (!pixels || filled < pixels.length) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!pixels) {
        pending.push(value);
        pendingBytes += value.length;
        if (pendingBytes < HEADER) continue;
        const head = concat(pending, pendingBytes);
        header = head.subarray(0, HEADER);
        const view = new DataView(header.buffer, header.byteOffset, HEADER);
        const available = view.getUint32(4);
        rows = view.getUint32(8);
        cols = view.getUint32(12);
        if (view.getUint32(0) !== IDX3_MAGIC || available < count) {
          throw new Error(`the Fashion-MNIST file is not an IDX image file with ${count} images`);
        }
        pixels = new Uint8Array(count * rows * cols);
        const rest = head.subarray(HEADER, HEADER + pixels.length);
        pixels.set(rest);
        filled = rest.length;
      } else {
        const take = Math.min(value.length, pixels.length - filled);
        pixels.set(value.subarray(0, take), filled);
        filled += take;
      }
    }
  } finally {
    // Stops the download: the rest of the file is not needed.
    await reader.cancel().catch(() => undefined);
  }
  if (!pixels || filled < pixels.length) throw new Error('the Fashion-MNIST file ended early');
  const values = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) values[i] = pixels[i]! / 127.5 - 1;
  return { values, count, shape: [rows, cols, 1] };
}

/**
 * The file's bytes, unzipped once: a host that labels the `.gz` file `Content-Encoding: gzip` has the
 * browser unzip it already, so the stream is unzipped here only when it still starts with gzip's magic.
 */
type Bytes = Uint8Array<ArrayBuffer>;

async function gunzipped(body: ReadableStream<Bytes>): Promise<ReadableStream<Bytes>> {
  const reader = body.getReader();
  const first = await reader.read();
  const rest = new ReadableStream<Bytes>({
    start(controller) {
      if (first.value) controller.enqueue(first.value);
      if (first.done) controller.close();
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const head = first.value;
  const zipped = !!head && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  return zipped ? rest.pipeThrough<Bytes>(new DecompressionStream('gzip')) : rest;
}

function concat(parts: Uint8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
