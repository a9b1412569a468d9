/**
 * The run directory: the one contract every GANForge project speaks. The trainer writes it, the
 * exporter reads the generator and adds generator.onnx, the gallery reads the rest.
 *
 *   <run>/
 *     config.json          resolved config (defaults + file + flags), written before step 1
 *     state.json           progress: status, epoch, step, seed, backend, wall time
 *     generator/           TF.js LayersModel (model.json + weights.bin)
 *     discriminator/       TF.js LayersModel
 *     samples/epoch-NNNN.png  fixed-noise grid (images) or real-vs-generated scatter (2-D) per epoch
 *     metrics.jsonl        one MetricsRecord per line, one per epoch
 *     real-points.json     2-D runs only: the training points, for real-vs-generated plots
 *     model-card.json      what the gallery shows; the exporter adds its `export` section
 *     losses.png           loss curves so far, redrawn every epoch
 *     curve.jsonl          the points of those curves: running means every few steps
 *     checkpoint/          resume state: latest.json names the last complete step-NNNNNNNNN/ folder
 *                          (generator, discriminator, EMA generator, optimizer weights)
 *     generator.onnx       written by the exporter
 *     .lock                held while a trainer writes the run: one writer per run folder (run-lock.ts)
 */
import { z } from 'zod';

export const RUN_FILES = {
  config: 'config.json',
  state: 'state.json',
  generatorDir: 'generator',
  discriminatorDir: 'discriminator',
  samplesDir: 'samples',
  metrics: 'metrics.jsonl',
  realPoints: 'real-points.json',
  modelCard: 'model-card.json',
  onnx: 'generator.onnx',
  losses: 'losses.png',
  curve: 'curve.jsonl',
  checkpointDir: 'checkpoint',
  checkpointLatest: 'latest.json',
  lock: '.lock',
} as const;

/** A checkpoint folder's files (checkpoint/step-NNNNNNNNN/), besides its models' folders. */
export const CHECKPOINT_FILES = {
  /** [{ optimizer, name, shape, dtype }] in order. */
  optimizerJson: 'optimizers.json',
  /** Their values as float32, one after another. */
  optimizerBin: 'optimizers.bin',
  /** Adam's running β powers per optimizer: TF.js's getWeights leaves them out. */
  optimizerPowers: 'optimizer-powers.json',
  /** The EMA copy of the generator, when the run keeps one (beside generator/ and discriminator/). */
  emaGeneratorDir: 'generator-ema',
} as const;

/** <run>/.lock: who writes the run now. */
export const RunLockSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.string(),
  /** What holds it, e.g. `train`. */
  command: z.string().optional(),
});
export type RunLockInfo = z.infer<typeof RunLockSchema>;

/** File name of the per-epoch sample picture, e.g. samples/epoch-0003.png. */
export function sampleFileName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}.png`;
}

export const RunStateSchema = z.object({
  status: z.enum(['running', 'completed', 'failed', 'interrupted']),
  epoch: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
  step: z.number().int().nonnegative(),
  seed: z.number().int(),
  backend: z.string(),
  /** What ran the steps: 'onnxruntime' (the compiled step) or 'tfjs'. */
  engine: z.string().optional(),
  startedAt: z.string(),
  updatedAt: z.string(),
  wallTimeSec: z.number().nonnegative(),
  error: z.string().optional(),
});
export type RunState = z.infer<typeof RunStateSchema>;

export const MetricsRecordSchema = z.object({
  epoch: z.number().int().positive(),
  step: z.number().int().nonnegative(),
  lossD: z.number(),
  lossG: z.number(),
  /** Discriminator accuracy on real and generated examples of the epoch (threshold 0.5). */
  accReal: z.number().min(0).max(1),
  accFake: z.number().min(0).max(1),
  examplesPerSec: z.number().nonnegative(),
  wallTimeSec: z.number().nonnegative(),
  /** Mean D output on real / generated examples: a probability for the cross-entropy losses, else the raw score. */
  dReal: z.number().optional(),
  dFake: z.number().optional(),
  /** With augmentation (--augment): the probability an example was augmented with, at the record's step. */
  augmentP: z.number().min(0).max(1).optional(),
  /** With augmentation: the overfitting signal r_t = E[sign(D's score on real examples)] of the last interval. */
  overfitSignal: z.number().min(-1).max(1).optional(),
  /** Figures added by an epoch-end hook (e.g. evaluation metrics). */
  extra: z.record(z.string(), z.number()).optional(),
});
export type MetricsRecord = z.infer<typeof MetricsRecordSchema>;

/** Output description shared with the ONNX metadata the exporter writes. */
export const OutputSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    channels: z.number().int().positive(),
    /** Value range of the generator's raw output, e.g. [-1, 1] for tanh. */
    range: z.tuple([z.number(), z.number()]),
  }),
  z.object({
    kind: z.literal('points'),
    dims: z.number().int().positive(),
  }),
]);
export type OutputSpec = z.infer<typeof OutputSpecSchema>;

export const ExportInfoSchema = z.object({
  file: z.string(),
  bytes: z.number().int().nonnegative(),
  opset: z.number().int(),
  /** Largest |TF.js - onnxruntime| over the verification batches. */
  maxAbsDiff: z.number().nonnegative().nullable(),
  verifiedBatches: z.array(z.number().int().positive()),
  exportedAt: z.string(),
  /** The run's step and epochs (the card's `steps` and `epochs`) when its generator was exported. */
  step: z.number().int().nonnegative().optional(),
  epoch: z.number().int().nonnegative().optional(),
});
export type ExportInfo = z.infer<typeof ExportInfoSchema>;

export const ModelCardSchema = z.object({
  name: z.string(),
  preset: z.string(),
  dataset: z.object({
    name: z.string(),
    examples: z.number().int().nonnegative(),
    license: z.string().optional(),
  }),
  latentDim: z.number().int().positive(),
  output: OutputSpecSchema,
  classNames: z.array(z.string()).optional(),
  /** Epochs begun, a part last epoch (a time budget or Ctrl-C ended it) included: see partialEpoch. */
  epochs: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
  /** When the last of `epochs` is a part epoch: the steps it ran of a whole epoch's (see epochs.ts). */
  partialEpoch: z
    .object({ steps: z.number().int().positive(), stepsPerEpoch: z.number().int().positive() })
    .optional(),
  generatorParams: z.number().int().nonnegative(),
  discriminatorParams: z.number().int().nonnegative(),
  wallTimeSec: z.number().nonnegative(),
  /** What ran the steps: 'onnxruntime' (the compiled step) or 'tfjs'. */
  engine: z.string().optional(),
  /** Final figures of the run, e.g. the 2-D estimator's mean/covariance error. */
  finalMetrics: z.record(z.string(), z.number()),
  /** Where the eval.* figures in finalMetrics come from: which evaluator, against what, at which epoch. */
  evaluation: z
    .object({
      evaluator: z.string(),
      reference: z.string(),
      samples: z.number().int().positive(),
      epoch: z.number().int().nonnegative(),
    })
    .optional(),
  reproduce: z.string(),
  export: ExportInfoSchema.optional(),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;

export const RealPointsSchema = z.object({ points: z.array(z.tuple([z.number(), z.number()])) });
export type RealPoints = z.infer<typeof RealPointsSchema>;

/** One point of the loss curves (curve.jsonl): means over the steps since the previous point. */
export const CurvePointSchema = z.object({
  step: z.number().int().nonnegative(),
  lossD: z.number(),
  lossG: z.number().nullable(),
  /** With augmentation: p and r_t at this point (as in MetricsRecord). */
  augmentP: z.number().min(0).max(1).optional(),
  overfitSignal: z.number().min(-1).max(1).optional(),
});
export type CurvePoint = z.infer<typeof CurvePointSchema>;

/** Where adaptive augmentation stands: p, and the signal gathered towards p's next update. */
export const CheckpointAugmentSchema = z.object({
  p: z.number().min(0).max(1),
  signalSum: z.number(),
  signalCount: z.number().int().nonnegative(),
  overfitSignal: z.number().optional(),
});
export type CheckpointAugment = z.infer<typeof CheckpointAugmentSchema>;

/** checkpoint/latest.json: where the last complete checkpoint is and how to continue from it. */
export const CheckpointInfoSchema = z.object({
  /** Folder under checkpoint/ holding this checkpoint's models and optimizer weights. */
  dir: z.string(),
  /** Epochs completed before this checkpoint, and steps done in the epoch after them. */
  epoch: z.number().int().nonnegative(),
  stepInEpoch: z.number().int().nonnegative(),
  step: z.number().int().nonnegative(),
  /** State of the seeded stream at the start of the current epoch (it draws the shuffle and step seeds). */
  rngState: z.record(z.string(), z.number()),
  /** Running sums of the current epoch, so its metrics come out the same after a resume. */
  sums: z.array(z.number()),
  ema: z.boolean(),
  /** Runs with augmentation: its p and signal, so a resume continues with the same p. */
  augment: CheckpointAugmentSchema.optional(),
  writtenAt: z.string(),
});
export type CheckpointInfo = z.infer<typeof CheckpointInfoSchema>;

/** How far a run has trained past its exported generator (see staleExport). */
export interface ExportLag {
  /** The step and epoch the export came from. */
  step: number;
  epoch?: number;
  /** How far the run has got since, as its card says. */
  runStep: number;
  runEpochs: number;
  /** One sentence for a user: which is older and what to do. */
  message: string;
}

/**
 * Whether the card's exported generator is older than the run: its export section names an earlier
 * step than the card's `steps` (the trainer keeps that section when it rewrites the card). Undefined
 * when it is current, or when the export did not record its step (exports older than that field).
 * `runFolder` is how the message names the run in its export command.
 */
export function staleExport(card: ModelCard, runFolder = '<run folder>'): ExportLag | undefined {
  const e = card.export;
  if (!e || e.step === undefined || e.step >= card.steps) return undefined;
  const at = (step: number, epoch: number | undefined) =>
    `step ${step}${epoch === undefined ? '' : ` (epoch ${epoch})`}`;
  return {
    step: e.step,
    ...(e.epoch === undefined ? {} : { epoch: e.epoch }),
    runStep: card.steps,
    runEpochs: card.epochs,
    message: `${e.file} is older than the run: exported at ${at(e.step, e.epoch)}, the run has trained to ${at(card.steps, card.epochs)}; export it again (npx ganforge export generator --run ${runFolder}) for the latest generator`,
  };
}
