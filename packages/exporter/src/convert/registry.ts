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
  SpatialDropout1D,
} from './layers/core';
import { ELU, LeakyReLU, ReLU, Softmax } from './layers/activation_layers';
import { BatchNormalization } from './layers/normalization';
import { Conv2D, Conv2DTranspose, UpSampling2D } from './layers/conv';
import { Add, Concatenate, Multiply } from './layers/merge';
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
  Flatten,
  LeakyReLU,
  ReLU,
  ELU,
  Softmax,
  BatchNormalization,
  Conv2D,
  Conv2DTranspose,
  UpSampling2D,
  Concatenate,
  Add,
  Multiply,
  Embedding,
];

const BY_CLASS = new Map(CONVERTERS.map((c) => [c.className, c]));

export function findConverter(className: string): LayerConverter | undefined {
  return BY_CLASS.get(className);
}

export const SUPPORTED_LAYERS: readonly string[] = CONVERTERS.map((c) => c.className);
