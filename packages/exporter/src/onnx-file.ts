/**
 * A converted generator as ONNX file bytes with GANForge's metadata: shared by the Node exporter
 * (export.ts) and the browser entry (browser.ts), so it imports no Node module.
 */
import { IR_VERSION, META } from '@ganforge/contracts/onnx';
import { encodeModel, type ModelProto } from '@ganforge/inference/onnx';
import type { ConvertResult } from './convert/convert';

/** What a model card (or the playground) adds to what the graph itself tells. */
export interface MetadataFacts {
  output: { kind: 'image'; range?: [number, number] } | { kind: 'points' };
  classNames?: string[];
  preset?: string;
}

export function metadataFor(
  converted: ConvertResult,
  card: MetadataFacts | undefined,
  sourceRun: string | undefined,
): Record<string, string> {
  const latent = converted.inputs.find((b) => b.name === 'z')?.dims[0];
  const meta: Record<string, string> = {
    [META.kind]: converted.output.kind,
    [META.latentDim]: String(latent),
    [META.outputShape]: converted.output.dims.join(','),
    [META.layout]: converted.output.layout,
  };
  const range = card?.output.kind === 'image' ? card.output.range : converted.range;
  if (range) meta[META.outputRange] = range.join(',');
  if (card?.classNames?.length) meta[META.classNames] = JSON.stringify(card.classNames);
  if (card?.preset) meta[META.preset] = card.preset;
  if (sourceRun) meta[META.sourceRun] = sourceRun;
  return meta;
}

/** The ONNX file for a converted graph and its metadata. */
export function encodeGenerator(
  converted: ConvertResult,
  metadata: Record<string, string>,
  opset: number,
): Uint8Array {
  const proto: ModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'ganforge-exporter',
    producerVersion: '0.1.0',
    graph: converted.graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  return encodeModel(proto);
}
