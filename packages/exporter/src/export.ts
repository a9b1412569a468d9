/** exportGenerator: model.json (or a run directory) -> generator.onnx with metadata, verified against TF.js. */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { encodeModel, META, type ModelProto } from '@ganforge/inference/onnx';
import { initBackend, RunDir, RUN_FILES, writeFileAtomic, type ModelCard } from '@ganforge/trainer';
import { convertLayersModel, type ConvertOptions, type ConvertResult } from './convert/convert';
import { loadLayersModelFromFile } from './convert/io';
import { ExportError, ExportOptionError } from './errors';
import { DEFAULT_OPSET, IR_VERSION, MIN_OPSET } from './opset';
import { DEFAULT_VERIFY_BATCHES, PARITY_TOLERANCE, verifyExport, type BatchDiff } from './verify';

export { DEFAULT_OPSET, MIN_OPSET, IR_VERSION };

export interface ExportOptions {
  /** A GANForge run directory: reads generator/model.json and model-card.json, writes generator.onnx. */
  run?: string;
  /** Any TF.js LayersModel model.json (instead of `run`). */
  model?: string;
  /** Output path; defaults to <run>/generator.onnx, or model.onnx next to model.json. */
  out?: string;
  /** ONNX opset, 13 to 17 (default 17). */
  opset?: number;
  /** Compare onnxruntime with TF.js (default true). */
  verify?: boolean;
  /** Batch sizes to verify at (default 1 and 7). */
  batches?: number[];
}

export interface TensorSummary {
  name: string;
  dtype: 'float32' | 'int64';
  /** 'N' is the dynamic batch. */
  shape: (number | 'N')[];
}

export interface ExportResult {
  file: string;
  bytes: number;
  opset: number;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  metadata: Record<string, string>;
  /** Null when verification was skipped. */
  maxAbsDiff: number | null;
  verified: BatchDiff[];
  /** Whether maxAbsDiff is within PARITY_TOLERANCE; null when not verified. */
  passed: boolean | null;
  /** The model card updated with the export section, when exporting a run. */
  modelCard?: string;
}

function checkOptions(options: ExportOptions): number {
  if (Boolean(options.run) === Boolean(options.model)) {
    throw new ExportOptionError('give exactly one of run (a run directory) or model (a model.json path)');
  }
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > DEFAULT_OPSET) {
    throw new ExportOptionError(
      `opset must be an integer from ${MIN_OPSET} to ${DEFAULT_OPSET} (got ${String(options.opset)})`,
    );
  }
  return opset;
}

/** What the model card says about the output, checked later against the graph. */
function convertOptionsFromCard(card: ModelCard | undefined): ConvertOptions {
  if (!card) return {};
  const o = card.output;
  return o.kind === 'image'
    ? { kind: 'image', image: { height: o.height, width: o.width, channels: o.channels } }
    : { kind: 'points' };
}

function metadataFor(
  converted: ConvertResult,
  card: ModelCard | undefined,
  run: RunDir | undefined,
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
  if (run) meta[META.sourceRun] = basename(run.root);
  return meta;
}

function summarize(converted: ConvertResult): { inputs: TensorSummary[]; outputs: TensorSummary[] } {
  return {
    inputs: converted.inputs.map((b) => ({ name: b.name, dtype: b.dtype, shape: ['N', ...b.dims] })),
    outputs: [{ name: converted.output.name, dtype: 'float32', shape: ['N', ...converted.output.dims] }],
  };
}

export async function exportGenerator(options: ExportOptions): Promise<ExportResult> {
  const opset = checkOptions(options);
  let run: RunDir | undefined;
  let card: ModelCard | undefined;
  let modelPath: string;
  let out: string;
  if (options.run) {
    run = new RunDir(options.run);
    run.assertHasGenerator();
    if (existsSync(run.path(RUN_FILES.modelCard))) card = run.readModelCard();
    modelPath = run.generatorModelJson;
    out = resolve(options.out ?? run.onnxPath);
  } else {
    modelPath = resolve(options.model as string);
    out = resolve(
      options.out ?? join(dirname(modelPath), `${basename(modelPath).replace(/\.json$/, '')}.onnx`),
    );
  }

  await initBackend();
  const model = await loadLayersModelFromFile(modelPath);
  try {
    const converted = convertLayersModel(model, convertOptionsFromCard(card));
    const latent = converted.inputs.find((b) => b.name === 'z')?.dims[0];
    if (card && card.latentDim !== latent) {
      throw new ExportError(
        `model-card.json says latentDim ${card.latentDim} but the generator takes ${latent}; fix the card or the model`,
      );
    }
    if (card?.output.kind === 'points' && card.output.dims !== converted.output.dims[0]) {
      throw new ExportError(
        `model-card.json says ${card.output.dims}-D points but the generator outputs ${converted.output.dims[0]}`,
      );
    }
    const metadata = metadataFor(converted, card, run);
    const proto: ModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: opset }],
      producerName: 'ganforge-exporter',
      producerVersion: '0.1.0',
      graph: converted.graph,
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    };
    const bytes = encodeModel(proto);
    writeFileAtomic(out, bytes);

    let verified: BatchDiff[] = [];
    let maxAbsDiff: number | null = null;
    if (options.verify ?? true) {
      const report = await verifyExport(model, bytes, converted.inputs, {
        batches: options.batches ?? DEFAULT_VERIFY_BATCHES,
      });
      verified = report.batches;
      maxAbsDiff = report.maxAbsDiff;
    }

    const result: ExportResult = {
      file: out,
      bytes: bytes.byteLength,
      opset,
      ...summarize(converted),
      metadata,
      maxAbsDiff,
      verified,
      passed: maxAbsDiff === null ? null : maxAbsDiff <= PARITY_TOLERANCE,
    };
    if (run && card) {
      const rel = relative(run.root, out);
      run.writeModelCard({
        ...card,
        export: {
          file: rel.startsWith('..') || isAbsolute(rel) ? out : rel,
          bytes: bytes.byteLength,
          opset,
          // JSON has no Infinity: a NaN-producing export is recorded as a huge difference.
          maxAbsDiff: maxAbsDiff === null ? null : Math.min(maxAbsDiff, Number.MAX_VALUE),
          verifiedBatches: verified.map((b) => b.batch),
          exportedAt: new Date().toISOString(),
        },
      });
      result.modelCard = run.path(RUN_FILES.modelCard);
    }
    return result;
  } finally {
    model.dispose();
  }
}
