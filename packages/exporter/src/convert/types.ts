/** Shared shapes of the converter: values flowing through the graph and the per-layer converter contract. */
import type { tf } from '@ganforge/trainer';
import type { GraphBuilder } from '@ganforge/inference/onnx';

export type Layer = tf.LayersModel['layers'][number];
export type Range = [number, number];

/**
 * A tensor of the ONNX graph that stands for one TF.js symbolic tensor. `shape` is the TF.js shape
 * (batch first, NHWC for images); `nchw` says the ONNX tensor of a 4-D value holds it transposed to
 * NCHW, which convolutions need and the graph output wants.
 */
export interface Value {
  name: string;
  shape: (number | null)[];
  nchw: boolean;
  dtype: 'float32' | 'int64';
  /** Known bounds of the values (tanh, sigmoid), carried through shape-only layers. */
  range?: Range;
}

/** What a layer converter produces; the walker adds the TF.js shape. */
export interface Out {
  name: string;
  nchw: boolean;
  dtype?: 'float32' | 'int64';
  range?: Range;
}

export interface Weight {
  data: Float32Array;
  shape: number[];
}

/** Everything a converter may use for the one layer call it converts. */
export interface LayerContext {
  readonly g: GraphBuilder;
  readonly layer: Layer;
  /** The layer's serialisable config (what model.json stores). */
  readonly config: Record<string, unknown>;
  /** TF.js output shape of this call, batch first. */
  readonly outputShape: (number | null)[];
  /** Name prefix for the nodes of this layer. */
  readonly base: string;
  /** A weight by its short name (kernel, bias, gamma, ...), optionally transposed by `perm`. */
  weight(name: string, perm?: number[]): Weight;
  hasWeight(name: string): boolean;
  toNchw(v: Value): Value;
  toTf(v: Value): Value;
  /** Applies a Keras activation by name. */
  activation(v: Out & { shape: (number | null)[] }, name: string): Out;
  /** Stops the export: this configuration of this layer cannot be converted. */
  unsupported(reason: string): never;
}

/** One entry of the converter table, keyed by the Keras class name (like tfjs KernelConfig objects). */
export interface LayerConverter {
  className: string;
  convert(ctx: LayerContext, inputs: Value[]): Out;
}

/** Typed reads of layer config fields. */
export function cfgNumber(config: Record<string, unknown>, key: string, fallback: number): number {
  const v = config[key];
  return typeof v === 'number' ? v : fallback;
}
export function cfgString(config: Record<string, unknown>, key: string, fallback: string): string {
  const v = config[key];
  return typeof v === 'string' ? v : fallback;
}
export function cfgBool(config: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = config[key];
  return typeof v === 'boolean' ? v : fallback;
}
export function cfgNumbers(config: Record<string, unknown>, key: string, fallback: number[]): number[] {
  const v = config[key];
  if (typeof v === 'number') return fallback.map(() => v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  return fallback;
}
