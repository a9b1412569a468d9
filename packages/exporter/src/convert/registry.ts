/** The converter table: every supported Keras layer class, registered in this one place. */
import {
  AlphaDropout,
  Activation,
  Dense,
  Dropout,
  Flatten,
  GaussianDropout,
  GaussianNoise,
  InputLayer,
  Reshape,
  Rescaling,
  SpatialDropout1D,
} from './layers/core';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU } from './layers/activation_layers';
import { BatchNormalization, LayerNormalization } from './layers/normalization';
import { Conv2D, Conv2DTranspose, DepthwiseConv2D, UpSampling2D } from './layers/conv';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply } from './layers/merge';
import { Cropping2D, Permute, RepeatVector, ZeroPadding2D } from './layers/shape';
import { Embedding } from './layers/embedding';
import type { LayerConverter } from './types';

const CONVERTERS: LayerConverter[] = [
  InputLayer,
  Dense,
  Activation,
  Dropout,
  SpatialDropout1D,
  GaussianNoise,
  GaussianDropout,
  AlphaDropout,
  Reshape,
  Rescaling,
  Flatten,
  LeakyReLU,
  ReLU,
  ELU,
  Softmax,
  PReLU,
  ThresholdedReLU,
  BatchNormalization,
  LayerNormalization,
  Conv2D,
  Conv2DTranspose,
  DepthwiseConv2D,
  UpSampling2D,
  ZeroPadding2D,
  Cropping2D,
  Permute,
  RepeatVector,
  Concatenate,
  Add,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Embedding,
];

const BY_CLASS = new Map(CONVERTERS.map((c) => [c.className, c]));

export function findConverter(className: string): LayerConverter | undefined {
  return BY_CLASS.get(className);
}

export const SUPPORTED_LAYERS: readonly string[] = CONVERTERS.map((c) => c.className);
