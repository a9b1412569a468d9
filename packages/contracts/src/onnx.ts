/**
 * The ONNX contract between the exporter (writes) and the SDK (reads): the ONNX versions written, the
 * names of the graph's inputs and outputs, and the metadata_props keys a GANForge generator carries.
 * Browser-safe: no Node modules, no dependencies.
 */

/** Highest opset written, and the default: the Debian ONNX checker (onnx 1.12) validates up to 17, IR 8. */
export const DEFAULT_OPSET = 17;
/** Lowest opset the exporter can target. */
export const MIN_OPSET = 13;
export const IR_VERSION = 8;

export const INPUT_LATENT = 'z';
export const INPUT_LABEL = 'label';
export const OUTPUT_IMAGE = 'image';
export const OUTPUT_POINTS = 'points';

export const META = {
  /** 'image' (output [N,C,H,W] or [N,H,W,C]) or 'points' (output [N,D], e.g. the 2-D toy data). */
  kind: 'ganforge.kind',
  latentDim: 'ganforge.latent_dim',
  /** Per-sample output shape, comma-separated, in the order of the output tensor (e.g. "1,28,28"). */
  outputShape: 'ganforge.output_shape',
  /** 'NCHW', 'NHWC' or 'flat'. */
  layout: 'ganforge.layout',
  /** "lo,hi", e.g. "-1,1" for a tanh output. */
  outputRange: 'ganforge.output_range',
  /** JSON array of class names, for conditional generators. */
  classNames: 'ganforge.class_names',
  preset: 'ganforge.preset',
  sourceRun: 'ganforge.source_run',
} as const;

export type GeneratorKind = 'image' | 'points';
export type Layout = 'NCHW' | 'NHWC' | 'flat';
