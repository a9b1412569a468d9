/** A dataset as training sees it (the loaders in datasets.ts and folder.ts make one). */
export interface Dataset {
  name: string;
  license?: string;
  /**
   * Training examples, row-major: N points of `shape` [2] or images of [H, W, C], either as floats
   * scaled to [-1, 1] or as bytes 0..255 (a quarter of the memory) that `batchValues` scales per batch.
   */
  values: Float32Array | Uint8Array;
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
