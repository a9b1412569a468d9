/**
 * Where a dataset's examples are read from, a batch at a time: all held in memory, or a file on disk
 * that each batch reads its examples from (examples.ts makes both).
 */
export interface Examples {
  /** 'memory': every example is in memory; 'disk': each batch reads its examples from a file. */
  readonly where: 'memory' | 'disk';
  /** What the examples take, in memory or in the file. */
  readonly bytes: number;
  /**
   * Copies the examples at `indices` into `out`, one after the other, as floats in [-1, 1] (bytes b
   * become b / 127.5 - 1); `out` holds at least indices.length examples.
   */
  read(indices: ArrayLike<number>, out: Float32Array): void;
  /** Lets go of the file (nothing for examples in memory); read() fails after it. */
  close(): void;
}

/** A dataset as training sees it (the loaders in datasets.ts and folder.ts make one). */
export interface Dataset {
  name: string;
  license?: string;
  /** The examples, read by index: how training gets its batches, wherever they are. */
  examples: Examples;
  /**
   * The examples themselves when they are held in memory (every dataset but an image folder streamed
   * from disk), row-major: N points of `shape` [2] or images of [H, W, C], either as floats scaled to
   * [-1, 1] or as bytes 0..255 (a quarter of the memory) that `examples.read` scales per batch.
   */
  values?: Float32Array | Uint8Array;
  /** Shape of one example. */
  shape: number[];
  count: number;
  kind: 'points' | 'image';
  /** Image shape (H, W, C) for image data. */
  imageShape?: [number, number, number];
  /** Class of each example (0..classNames.length-1), when the dataset has labels. */
  labels?: Int32Array;
  classNames?: string[];
}

/** A dataset whose examples are all in memory (what a load without a memory budget gives). */
export interface InMemoryDataset extends Dataset {
  values: Float32Array | Uint8Array;
}
