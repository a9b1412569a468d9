/** GANForge's metadata_props on an ONNX generator (keys in @ganforge/contracts/onnx), read and checked. */
import { META } from '@ganforge/contracts/onnx';
import type { GeneratorKind, Layout } from '@ganforge/contracts/onnx';
import type { ModelProto } from './onnx';
import { ModelInfoError } from './errors';

export interface Metadata {
  kind?: GeneratorKind;
  latentDim?: number;
  outputShape?: number[];
  layout?: Layout;
  outputRange?: [number, number];
  classNames?: string[];
  preset?: string;
  sourceRun?: string;
}

/** The metadata_props a GANForge generator carries; a malformed value is a ModelInfoError naming its key. */
export function readMetadata(model: ModelProto): Metadata {
  const props = new Map((model.metadataProps ?? []).map((p) => [p.key, p.value]));
  const bad = (key: string, value: string, want: string) =>
    new ModelInfoError(
      `metadata ${key}="${value}" is not ${want}; fix the model or pass the value as an option`,
    );
  const meta: Metadata = {};
  const kind = props.get(META.kind);
  if (kind !== undefined) {
    if (kind !== 'image' && kind !== 'points') throw bad(META.kind, kind, "'image' or 'points'");
    meta.kind = kind;
  }
  const latentDim = props.get(META.latentDim);
  if (latentDim !== undefined) {
    const n = Number(latentDim);
    if (!Number.isInteger(n) || n <= 0) throw bad(META.latentDim, latentDim, 'a positive integer');
    meta.latentDim = n;
  }
  const shape = props.get(META.outputShape);
  if (shape !== undefined) {
    const parts = shape.split(',').map((s) => Number(s.trim()));
    if (!parts.every((n) => Number.isInteger(n) && n > 0)) {
      throw bad(META.outputShape, shape, 'comma-separated positive integers');
    }
    meta.outputShape = parts;
  }
  const layout = props.get(META.layout);
  if (layout !== undefined) {
    if (layout !== 'NCHW' && layout !== 'NHWC' && layout !== 'flat')
      throw bad(META.layout, layout, 'NCHW, NHWC or flat');
    meta.layout = layout;
  }
  const outRange = props.get(META.outputRange);
  if (outRange !== undefined) {
    const parts = outRange.split(',').map((s) => Number(s.trim()));
    if (parts.length !== 2 || !(parts[0]! < parts[1]!))
      throw bad(META.outputRange, outRange, '"lo,hi" with lo < hi');
    meta.outputRange = [parts[0]!, parts[1]!];
  }
  const classNames = props.get(META.classNames);
  if (classNames !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(classNames);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((c) => typeof c === 'string')) {
      throw bad(META.classNames, classNames, 'a JSON array of strings');
    }
    meta.classNames = parsed;
  }
  const preset = props.get(META.preset);
  if (preset) meta.preset = preset;
  const sourceRun = props.get(META.sourceRun);
  if (sourceRun) meta.sourceRun = sourceRun;
  return meta;
}
