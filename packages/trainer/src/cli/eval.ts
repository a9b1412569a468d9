/**
 * `ganforge eval --run <dir> | --model <generator.onnx> | --idx <samples.gz>`: scores a generator's
 * samples against a reference split and prints the figures, each line naming the evaluator (and, for
 * the default evaluator, its features, its reference and what its figures can tell).
 */
import { isAbsolute, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  describeFileError,
  FileWriteError,
  isUserError,
  writeFailure,
  writeJsonAtomic,
} from '@ganforge/contracts';
import { initBackend } from '../kernels/backend';
import { EvalError } from '../eval/errors';
import { evaluateImages, evaluatePoints, formatReport, type EvalReport } from '../eval/evaluate';
import {
  imageEvaluation,
  isDatasetName,
  parseRange,
  runDataset,
  type ImageEvaluation,
} from '../eval/features/select';
import { readIdxSamples, resizeSamples, sampleOnnx, sampleRun, type SampleSet } from '../eval/sources';

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

function base(): string {
  return process.env.NX_WORKSPACE_ROOT || process.cwd();
}

const abs = (p: string) => (isAbsolute(p) ? p : resolve(base(), p));

/** `--labels 0,3,7`: class indices. */
function classList(v: string): number[] {
  const list = v.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0))
    throw new InvalidArgumentError(`--labels takes class indices (0, 1, …), comma-separated, got "${v}"`);
  return list;
}

interface Opts {
  run?: string;
  model?: string;
  onnx?: string;
  labels?: number[];
  idx?: string;
  ref?: string;
  samples: number;
  seed: number;
  evaluator?: string;
  features?: string;
  featuresRange?: [number, number];
  kidSubsets: number;
  kidSubsetSize: number;
  k: number;
  json?: string;
  resize?: number;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description(
      'score generated samples (FD, KID, precision/recall, class coverage) against a reference split',
    )
    .option('--run <dir>', 'a run directory (samples its TF.js generator)')
    .option(
      '--model <file>',
      'an ONNX generator, e.g. <run>/generator.onnx (sampled with @ganforge/inference)',
    )
    .option('--onnx <file>', 'the same as --model')
    .option(
      '--labels <ints>',
      'conditional generators: the class indices to sample, in turn (default: every class in turn)',
      classList,
    )
    .option(
      '--idx <file>',
      'an IDX image file of samples (gzipped or raw; [N, H, W] grayscale or [N, H, W, C], e.g. RGB), e.g. from another tool',
    )
    .option(
      '--ref <path>',
      "reference images: an IDX file, a folder or a dataset name such as emoji (default: the evaluator's own, e.g. the bundled Fashion-MNIST 10k test split; for the default evaluator, the run's own dataset)",
    )
    .option('-n, --samples <int>', 'generated samples to score', positiveInt('--samples'), 10_000)
    .option('--seed <int>', 'latent seed for sampling generators', positiveInt('--seed'), 1)
    .option(
      '--evaluator <string>',
      "a classifier bundled with the trainer, in its models/ folder (default: by the samples' shape and the run's dataset: fmnist-classifier-v1 for 28x28x1, emoji-classifier-v1 for 64x64x3 of an emoji set, else emoji-classifier-v1:conv3-mean, the default evaluator, against the run's own images or --ref)",
    )
    .option('--features <file>', 'score in the features of an ONNX model: NCHW float input, [N, D] output')
    .option(
      '--features-range <numbers>',
      'pixel range lo,hi the --features model expects (default -1,1)',
      parseRange,
    )
    .option('--kid-subsets <int>', 'KID subsets', positiveInt('--kid-subsets'), 10)
    .option('--kid-subset-size <int>', 'KID subset size', positiveInt('--kid-subset-size'), 1000)
    .option('--k <int>', 'k of the precision/recall k-NN manifolds', positiveInt('--k'), 3)
    .option('--json <file>', 'also write the report as JSON')
    .option(
      '--resize <int>',
      'resize image samples to N x N pixels before scoring (e.g. 64: 80x80 samples by the 64x64 emoji evaluator)',
      positiveInt('--resize'),
    )
    .action(runEval);
}

/** Where the samples come from (a run, an ONNX generator or an IDX file), as the options say. */
async function readSamples(o: Opts, progress: ReturnType<typeof stageLog>) {
  if (o.model !== undefined && o.onnx !== undefined && o.model !== o.onnx)
    throw new EvalError('--onnx is the same as --model: pass one of them');
  const onnx = o.model ?? o.onnx;
  const sources = [o.run, onnx, o.idx].filter((s) => s !== undefined);
  if (sources.length !== 1)
    throw new EvalError('give exactly one of --run <dir>, --model <file.onnx>, --idx <file>');
  if (o.idx && o.labels)
    throw new EvalError('--labels is for generators (--run, --model), not --idx samples');
  await initBackend();
  let generated: SampleSet;
  let realPoints: SampleSet | undefined;
  progress.stage(`${o.idx ? 'reading' : 'generating'} ${o.samples} samples`);
  if (o.run) ({ samples: generated, realPoints } = await sampleRun(abs(o.run), o.samples, o.seed, o.labels));
  else if (onnx) generated = await sampleOnnx(abs(onnx), o.samples, o.seed, o.labels);
  else {
    generated = readIdxSamples(abs(o.idx!), o.samples);
    if (generated.count < o.samples) {
      console.log(`note: ${o.idx} holds ${generated.count} images; scoring all of them`);
    }
  }
  if (o.resize) {
    progress.stage(`resizing to ${o.resize}x${o.resize}`);
    generated = await resizeSamples(generated, o.resize);
  }
  return { generated, realPoints };
}

/** Image samples scored in the features `imageEvaluation` picks; `about` for the default evaluator. */
async function scoreImages(
  o: Opts,
  generated: Extract<SampleSet, { kind: 'image' }>,
  progress: ReturnType<typeof stageLog>,
): Promise<{ report: EvalReport; about: ImageEvaluation['about'] }> {
  const dataset = o.run ? runDataset(abs(o.run)) : undefined;
  const { extractor, reference, about } = await imageEvaluation(generated, {
    ...(o.evaluator ? { evaluator: o.evaluator } : {}),
    ...(o.features ? { features: abs(o.features) } : {}),
    ...(o.featuresRange ? { featuresRange: o.featuresRange } : {}),
    ...(o.ref ? { ref: datasetPath(o.ref) } : {}),
    // A run's dataset, else a dataset --ref names, picks the evaluator (emoji-all: the emoji one).
    ...(dataset !== undefined
      ? { dataset: datasetPath(dataset) }
      : o.ref && isDatasetName(o.ref)
        ? { dataset: o.ref }
        : {}),
    // The default evaluator takes as many of the run's own images as it scores samples.
    limit: generated.count,
  });
  try {
    const report = await evaluateImages(extractor, generated, reference, {
      kidSubsets: o.kidSubsets,
      kidSubsetSize: o.kidSubsetSize,
      k: o.k,
      seed: o.seed,
      onStage: progress.stage,
    });
    return { report, about };
  } finally {
    await extractor.dispose();
  }
}

/** `ganforge eval`: read or generate the samples, score them, print (and write) the report. */
async function runEval(o: Opts): Promise<void> {
  const progress = stageLog();
  const { generated, realPoints } = await readSamples(o, progress);
  let report: EvalReport;
  let about: ImageEvaluation['about'];
  if (generated.kind === 'points') {
    if (!realPoints)
      throw new EvalError('2-D samples need a run directory (its real-points.json is the reference)');
    progress.stage('2-D statistics');
    report = evaluatePoints(generated, realPoints);
  } else {
    ({ report, about } = await scoreImages(o, generated, progress));
  }
  progress.stage();
  for (const line of [...formatReport(report), ...(about ? describeAbout(about) : [])]) console.log(line);
  if (o.json) {
    try {
      writeJsonAtomic(abs(o.json), about ? { ...report, about } : report);
    } catch (e) {
      // The remedy is another --json (the writer's words name --out, the trainer's option).
      throw e instanceof FileWriteError ? writeFailure(e.path, e, '--json') : e;
    }
  }
}

/** A dataset name as it is, a path (a run's dataset, --ref) from where the command runs. */
const datasetPath = (d: string): string => (isDatasetName(d) ? d : abs(d));

/** The default evaluator's lines under its figures: features, reference, what they tell. */
function describeAbout(about: NonNullable<ImageEvaluation['about']>): string[] {
  return [
    `features         ${about.features}`,
    `reference        ${about.reference}`,
    `reading          ${about.reading}`,
  ];
}

/** Stage lines on stderr with the time each took, so that a long evaluation shows where it is. */
function stageLog(): { stage: (name?: string) => void } {
  let current: { name: string; t0: number } | undefined;
  return {
    stage(name?: string) {
      if (current) {
        process.stderr.write(`  ${((performance.now() - current.t0) / 1000).toFixed(1)} s\n`);
      }
      current = name ? { name, t0: performance.now() } : undefined;
      if (name) process.stderr.write(`eval: ${name}…`);
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const cmd = evalCommand().exitOverride();
  try {
    await cmd.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const err = describeFileError(e);
    if (isUserError(err)) {
      console.error(`eval: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
