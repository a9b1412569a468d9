/** exportGenerator: model.json (or a run directory) -> generator.onnx with metadata, verified against TF.js. */
import { accessSync, constants, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  FileWriteError,
  isLeftoverTemp,
  RunDir,
  RUN_FILES,
  stageFile,
  type ExportInfo,
  type ModelCard,
  type StagedFile,
} from '@ganforge/contracts';
import { initBackend } from '@ganforge/trainer';
import {
  convertLayersModel,
  type ConvertOptions,
  type ConvertResult,
  type ImageLayout,
} from './convert/convert';
import { loadLayersModelFromFile } from './load';
import { ExportError, ExportOptionError } from './errors';
import { DEFAULT_OPSET, MIN_OPSET } from '@ganforge/contracts/onnx';
import { encodeGenerator, metadataFor } from './onnx-file';
import {
  DEFAULT_VERIFY_BATCHES,
  FP16_PARITY_TOLERANCE,
  PARITY_TOLERANCE,
  verifyExport,
  type BatchDiff,
} from './verify';

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
  /** Weights as float16 (half the file), verified against FP16_PARITY_TOLERANCE (default false). */
  fp16?: boolean;
  /** Image output layout (default NCHW). */
  layout?: ImageLayout;
  /** Fold BatchNormalization into the weights and drop identities (default true). */
  optimize?: boolean;
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
  /** True when verified within `tolerance` (a failed check throws and writes nothing); null when not verified. */
  passed: boolean | null;
  /** The parity bound applied: PARITY_TOLERANCE, or FP16_PARITY_TOLERANCE with fp16. */
  tolerance: number;
  fp16: boolean;
  /** Wall time of the steps, in milliseconds (load includes reading the files). */
  timings: { loadMs: number; convertMs: number; verifyMs: number; writeMs: number };
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
  if (options.layout !== undefined && options.layout !== 'NCHW' && options.layout !== 'NHWC') {
    throw new ExportOptionError(`layout must be NCHW or NHWC (got ${String(options.layout)})`);
  }
  return opset;
}

const hasWriteBits = (path: string) => (statSync(path).mode & 0o222) !== 0;
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
  } catch {
    return false;
  }
  // Also honour the mode bits, which root's access() ignores: a file marked read-only stays so.
  return hasWriteBits(path);
}

/** Fails before any work when the output cannot be written where asked. */
function checkTarget(out: string): void {
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ExportOptionError(`output folder ${dir} does not exist; create it first or pass another --out`);
  }
  if (existsSync(out)) {
    if (statSync(out).isDirectory())
      throw new ExportOptionError(
        `output path ${out} is a directory; pass a file path such as ${join(out, 'generator.onnx')}`,
      );
    if (!writable(out))
      throw new ExportOptionError(`output file ${out} is read-only; make it writable or pass another --out`);
  }
  if (!writable(dir)) throw new ExportOptionError(`output folder ${dir} is not writable; pass another --out`);
}

/** A write error as one line naming the file: the trainer's words for a full or read-only disk, else the code. */
function writeError(path: string, e: unknown): Error {
  if (e instanceof FileWriteError) return e;
  const err = e as NodeJS.ErrnoException;
  return new ExportError(`could not write ${path}: ${err.code ?? err.message}`);
}

function stage(path: string, write: () => StagedFile): StagedFile {
  try {
    return write();
  } catch (e) {
    throw writeError(path, e);
  }
}

/**
 * Puts the model and (for a run) its updated card in place together: both are written to temporary
 * files and fsynced first, so a full disk changes neither. Should the card's rename still fail after
 * the model's, the new model is removed rather than left beside a card that does not describe it.
 */
function writeOutputs(
  out: string,
  bytes: Uint8Array,
  card?: { path: string; stage: () => StagedFile },
): void {
  removeLeftoverTemps(out);
  if (card) removeLeftoverTemps(card.path);
  const onnx = stage(out, () => stageFile(out, bytes));
  let staged: StagedFile | undefined;
  try {
    if (card) staged = stage(card.path, card.stage);
  } catch (e) {
    onnx.discard();
    throw e;
  }
  try {
    onnx.commit();
  } catch (e) {
    staged?.discard();
    throw writeError(out, e);
  }
  if (!staged) return;
  try {
    staged.commit();
  } catch (e) {
    rmSync(out, { force: true });
    throw writeError(staged.path, e);
  }
}

/**
 * Removes the temporaries of `path` that a writer no longer running left (an export killed between its
 * write and its rename): `<file>.tmp-<pid>-…` of a dead pid. A live writer's are left alone.
 */
function removeLeftoverTemps(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // no folder yet: nothing left in it
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !isLeftoverTemp(name)) continue;
    try {
      rmSync(join(dir, name), { force: true });
    } catch {
      // A leftover that cannot go does not stop the export.
    }
  }
}

/** What the model card says about the output, checked later against the graph. */
function convertOptionsFromCard(card: ModelCard | undefined): ConvertOptions {
  if (!card) return {};
  const o = card.output;
  return o.kind === 'image'
    ? { kind: 'image', image: { height: o.height, width: o.width, channels: o.channels } }
    : { kind: 'points' };
}

function summarize(converted: ConvertResult): { inputs: TensorSummary[]; outputs: TensorSummary[] } {
  return {
    inputs: converted.inputs.map((b) => ({ name: b.name, dtype: b.dtype, shape: ['N', ...b.dims] })),
    outputs: [{ name: converted.output.name, dtype: 'float32', shape: ['N', ...converted.output.dims] }],
  };
}

/** Weights holding NaN or Infinity (a run that diverged) make a model no check can pass: say so first. */
function assertFiniteWeights(
  model: Awaited<ReturnType<typeof loadLayersModelFromFile>>,
  modelPath: string,
): void {
  for (const w of model.weights) {
    const values = w.read().dataSync();
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new ExportError(
        `${modelPath}: weight ${w.originalName} holds ${values[bad]} (value ${bad} of ${values.length}): the model diverged; export an earlier checkpoint or retrain`,
      );
    }
  }
}

/** The model to read, the file to write, and for a run directory the run and its model card. */
function resolveSource(options: ExportOptions): {
  run?: RunDir;
  card?: ModelCard;
  modelPath: string;
  out: string;
} {
  if (options.run) {
    const run = new RunDir(options.run);
    run.assertHasGenerator();
    const card = existsSync(run.path(RUN_FILES.modelCard)) ? run.readModelCard() : undefined;
    return { run, card, modelPath: run.generatorModelJson, out: resolve(options.out ?? run.onnxPath) };
  }
  const modelPath = resolve(options.model as string);
  const out = resolve(
    options.out ?? join(dirname(modelPath), `${basename(modelPath).replace(/\.json$/, '')}.onnx`),
  );
  return { modelPath, out };
}

/** The converted graph against what the run's model card says: the latent size and the point dims. */
function checkAgainstCard(card: ModelCard | undefined, converted: ConvertResult): void {
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
}

/** Parity with TF.js, in memory: a model beyond `tolerance` is an error, so it is never written. */
async function verifyBytes(
  model: Awaited<ReturnType<typeof loadLayersModelFromFile>>,
  bytes: Uint8Array,
  converted: ConvertResult,
  options: ExportOptions,
  tolerance: number,
): Promise<{ verified: BatchDiff[]; maxAbsDiff: number | null }> {
  if (!(options.verify ?? true)) return { verified: [], maxAbsDiff: null };
  const report = await verifyExport(model, bytes, converted.inputs, {
    batches: options.batches ?? DEFAULT_VERIFY_BATCHES,
    layout: converted.output.layout,
  });
  if (!(report.maxAbsDiff <= tolerance)) {
    const worst = report.batches.map((b) => `batch ${b.batch}: ${b.maxAbsDiff.toExponential(2)}`).join(', ');
    throw new ExportError(
      `verification failed: max |tfjs - onnxruntime| (${worst}) exceeds ${tolerance}; nothing written (--no-verify writes it unchecked)`,
    );
  }
  return { verified: report.batches, maxAbsDiff: report.maxAbsDiff };
}

/** The run's model card with its export section, staged next to the model (see writeOutputs). */
function cardUpdate(
  run: RunDir,
  card: ModelCard,
  out: string,
  bytes: Uint8Array,
  opset: number,
  { verified, maxAbsDiff }: { verified: BatchDiff[]; maxAbsDiff: number | null },
): { path: string; stage: () => StagedFile } {
  const rel = relative(run.root, out);
  // Only the export section: the rest of the card is the trainer's and stays as it is.
  const exported: ExportInfo = {
    file: rel.startsWith('..') || isAbsolute(rel) ? out : rel,
    bytes: bytes.byteLength,
    opset,
    // JSON has no Infinity: a NaN-producing export is recorded as a huge difference.
    maxAbsDiff: maxAbsDiff === null ? null : Math.min(maxAbsDiff, Number.MAX_VALUE),
    verifiedBatches: verified.map((b) => b.batch),
    exportedAt: new Date().toISOString(),
    // How far the run had got (its card, written with its generator): a later card tells a stale export.
    step: card.steps,
    epoch: card.epochs,
  };
  return { path: run.modelCardPath, stage: () => run.stageModelCard({ export: exported }).file };
}

export async function exportGenerator(options: ExportOptions): Promise<ExportResult> {
  const opset = checkOptions(options);
  const { run, card, modelPath, out } = resolveSource(options);
  checkTarget(out);

  await initBackend();
  const t0 = performance.now();
  const model = await loadLayersModelFromFile(modelPath);
  try {
    assertFiniteWeights(model, modelPath);
    const t1 = performance.now();
    const fp16 = options.fp16 ?? false;
    const converted = convertLayersModel(model, {
      ...convertOptionsFromCard(card),
      layout: options.layout,
      optimize: options.optimize,
      fp16,
    });
    checkAgainstCard(card, converted);
    const metadata = metadataFor(converted, card, run && basename(run.root));
    const bytes = encodeGenerator(converted, metadata, opset);
    const t2 = performance.now();

    // Verified in memory first: a file that does not match TF.js is never written.
    const tolerance = fp16 ? FP16_PARITY_TOLERANCE : PARITY_TOLERANCE;
    const parity = await verifyBytes(model, bytes, converted, options, tolerance);
    const { verified, maxAbsDiff } = parity;
    const t3 = performance.now();
    const cardOut = run && card ? cardUpdate(run, card, out, bytes, opset, parity) : undefined;
    writeOutputs(out, bytes, cardOut);
    const t4 = performance.now();

    const result: ExportResult = {
      file: out,
      bytes: bytes.byteLength,
      opset,
      ...summarize(converted),
      metadata,
      maxAbsDiff,
      verified,
      passed: maxAbsDiff === null ? null : true,
      tolerance,
      fp16,
      timings: { loadMs: t1 - t0, convertMs: t2 - t1, verifyMs: t3 - t2, writeMs: t4 - t3 },
    };
    if (cardOut) result.modelCard = cardOut.path;
    return result;
  } finally {
    model.dispose();
  }
}
