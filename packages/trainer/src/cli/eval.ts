/**
 * `npx nx run trainer:eval -- --run <dir> | --onnx <file> | --idx <samples.gz>`: scores a generator's
 * samples against a reference split and prints the figures, each line naming the evaluator.
 */
import { isAbsolute, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isUserError, writeJsonAtomic } from '@ganforge/contracts';
import { initBackend } from '../kernels/backend';
import { EvalError } from '../eval/errors';
import { evaluateImages, evaluatePoints, formatReport, type EvalReport } from '../eval/evaluate';
import { imageEvaluation, isDatasetName, parseRange, runDataset } from '../eval/features/select';
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

interface Opts {
  run?: string;
  onnx?: string;
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
    .option('--onnx <file>', 'an ONNX generator (sampled with @ganforge/inference)')
    .option(
      '--idx <file>',
      'an IDX image file of samples (gzipped or raw; [N, H, W] grayscale or [N, H, W, C], e.g. RGB), e.g. from another tool',
    )
    .option(
      '--ref <images>',
      "reference images: an IDX file, a folder or a dataset name such as emoji (default: the evaluator's own, e.g. the bundled Fashion-MNIST 10k test split)",
    )
    .option('-n, --samples <int>', 'generated samples to score', positiveInt('--samples'), 10_000)
    .option('--seed <int>', 'latent seed for sampling generators', positiveInt('--seed'), 1)
    .option(
      '--evaluator <string>',
      "classifier under packages/trainer/models/ (default: by the samples' shape and the run's dataset: fmnist-classifier-v1 for 28x28x1, emoji-classifier-v1 for 64x64x3)",
    )
    .option(
      '--features <model.onnx>',
      'score in the features of an ONNX model: NCHW float input, [N, D] output',
    )
    .option('--features-range <lo,hi>', 'pixel range the --features model expects (default -1,1)', parseRange)
    .option('--kid-subsets <int>', 'KID subsets', positiveInt('--kid-subsets'), 10)
    .option('--kid-subset-size <int>', 'KID subset size', positiveInt('--kid-subset-size'), 1000)
    .option('--k <int>', 'k of the precision/recall k-NN manifolds', positiveInt('--k'), 3)
    .option('--json <file>', 'also write the report as JSON')
    .option(
      '--resize <px>',
      'resize image samples to px x px before scoring (e.g. 64: 80x80 samples by the 64x64 emoji evaluator)',
      positiveInt('--resize'),
    )
    .action(async (o: Opts) => {
      const sources = [o.run, o.onnx, o.idx].filter((s) => s !== undefined);
      if (sources.length !== 1)
        throw new EvalError('give exactly one of --run <dir>, --onnx <file>, --idx <file>');
      await initBackend();
      const progress = stageLog();
      let generated: SampleSet;
      let realPoints: SampleSet | undefined;
      progress.stage(`${o.idx ? 'reading' : 'generating'} ${o.samples} samples`);
      if (o.run) ({ samples: generated, realPoints } = await sampleRun(abs(o.run), o.samples, o.seed));
      else if (o.onnx) generated = await sampleOnnx(abs(o.onnx), o.samples, o.seed);
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
      let report: EvalReport;
      if (generated.kind === 'points') {
        if (!realPoints)
          throw new EvalError('2-D samples need a run directory (its real-points.json is the reference)');
        progress.stage('2-D statistics');
        report = evaluatePoints(generated, realPoints);
      } else {
        const { extractor, reference } = await imageEvaluation(generated, {
          ...(o.evaluator ? { evaluator: o.evaluator } : {}),
          ...(o.features ? { features: abs(o.features) } : {}),
          ...(o.featuresRange ? { featuresRange: o.featuresRange } : {}),
          ...(o.ref ? { ref: isDatasetName(o.ref) ? o.ref : abs(o.ref) } : {}),
          // A run's dataset, else a dataset --ref names, picks the evaluator (emoji-all: the emoji one).
          ...(o.run
            ? { dataset: runDataset(abs(o.run)) }
            : o.ref && isDatasetName(o.ref)
              ? { dataset: o.ref }
              : {}),
        });
        try {
          report = await evaluateImages(extractor, generated, reference, {
            kidSubsets: o.kidSubsets,
            kidSubsetSize: o.kidSubsetSize,
            k: o.k,
            seed: o.seed,
            onStage: progress.stage,
          });
        } finally {
          await extractor.dispose();
        }
      }
      progress.stage();
      for (const line of formatReport(report)) console.log(line);
      if (o.json) writeJsonAtomic(abs(o.json), report);
    });
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
    if (isUserError(e)) {
      console.error(`eval: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
