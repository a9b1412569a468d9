/** What every architecture's builder returns, and what it needs to know about the data. */
import type * as tfTypes from '@tensorflow/tfjs';

export interface GanModels {
  generator: tfTypes.LayersModel;
  discriminator: tfTypes.LayersModel;
}

/** What the models need to know about the data. */
export interface ModelDataSpec {
  /** Shape of one example: [2] for points, [H, W, C] for images. */
  shape: number[];
  /** Classes of a conditional model (its label input takes 0..numClasses-1). */
  numClasses?: number;
}
