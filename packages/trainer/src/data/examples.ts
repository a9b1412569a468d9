/**
 * The two places a dataset's examples are read from: memory, or a file of decoded bytes that each
 * batch reads its examples from with positioned reads into one reused buffer (so a set far larger than
 * memory trains with a few kilobytes of it). Both give the same floats for the same indices.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Dataset, Examples, InMemoryDataset } from './types';
import { DatasetError } from './idx';

/** Byte b as the float the generator's tanh range gives it: b / 127.5 - 1. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 127.5 - 1);

/** `bytes` as [-1, 1] floats into `out` from `at`. */
function scaleBytes(bytes: Uint8Array, out: Float32Array, at: number): void {
  for (let k = 0; k < bytes.length; k++) out[at + k] = BYTE_TO_UNIT[bytes[k]!]!;
}

/** Examples held in memory, as [-1, 1] floats or as bytes scaled a batch at a time. */
export class MemoryExamples implements Examples {
  readonly where = 'memory';
  readonly bytes: number;

  /** `size`: numbers per example. */
  constructor(
    private readonly values: Float32Array | Uint8Array,
    private readonly size: number,
  ) {
    this.bytes = values.byteLength;
  }

  read(indices: ArrayLike<number>, out: Float32Array): void {
    const { values, size } = this;
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i]!;
      const one = values.subarray(j * size, (j + 1) * size);
      if (one instanceof Float32Array) out.set(one, i * size);
      else scaleBytes(one, out, i * size);
    }
  }

  close(): void {}
}

/** Examples stored as `count` runs of `size` bytes in a file, read as each batch asks for them. */
export class FileExamples implements Examples {
  readonly where = 'disk';
  readonly bytes: number;
  private fd: number | undefined;
  private readonly buf: Uint8Array;

  constructor(
    private readonly path: string,
    count: number,
    private readonly size: number,
  ) {
    this.bytes = count * size;
    this.fd = openSync(path, 'r');
    this.buf = new Uint8Array(size);
  }

  read(indices: ArrayLike<number>, out: Float32Array): void {
    if (this.fd === undefined) throw new Error(`${this.path} was closed`);
    for (let i = 0; i < indices.length; i++) {
      this.readOne(this.fd, indices[i]!);
      scaleBytes(this.buf, out, i * this.size);
    }
  }

  /** Example j into the buffer; a file cut short since it was checked is an error, never zeros. */
  private readOne(fd: number, j: number): void {
    const { buf, size } = this;
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, j * size + got);
      if (n === 0) {
        throw new DatasetError(
          `the decoded image cache ${this.path} was cut short while training (example ${j} is missing): run again to rebuild it`,
        );
      }
      got += n;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A dataset's in-memory examples, read by index as every dataset's are. */
export function inMemory<T extends Omit<InMemoryDataset, 'examples'>>(ds: T): T & { examples: Examples } {
  const size = ds.shape.reduce((a, b) => a * b, 1);
  return { ...ds, examples: new MemoryExamples(ds.values, size) };
}

/** Numbers per example of `data`. */
export const exampleSize = (data: Pick<Dataset, 'shape'>): number => data.shape.reduce((a, b) => a * b, 1);
