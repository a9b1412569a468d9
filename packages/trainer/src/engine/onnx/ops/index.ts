/**
 * Every compiled operation, in one list: net.ts reads a layer with the operation that lists its
 * class. A new operation is one file in this folder (see op.ts) and one line here.
 */
import { activation } from './activation';
import { batchNorm } from './batchnorm';
import { conv2d } from './conv2d';
import { conv2dTranspose } from './conv2d-transpose';
import { cropping } from './cropping';
import { dense } from './dense';
import { label } from './label';
import type { LayerOp } from './op';
import { projection } from './projection';
import { reshape } from './reshape';
import { rescaling } from './rescaling';
import { upsample } from './upsample';

export const OPS: readonly LayerOp[] = [
  dense,
  projection,
  conv2d,
  conv2dTranspose,
  batchNorm,
  activation,
  reshape,
  upsample,
  label,
  cropping,
  rescaling,
];
