/**
 * `ganforge sample` and `ganforge interpolate`: run an ONNX generator from the command line and write
 * an image grid (or CSV/JSON points). Node only. sampleCommand() / interpolateCommand() are mounted into
 * the ganforge bin; main.ts runs them standalone (`tsx src/cli/main.ts sample --help`).
 */
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { Command, InvalidArgumentError as OptionError, Option } from 'commander';
import { DEFAULT_SEED, InferenceError, loadGenerator, writeGrid, writeScatter } from '../node';
import type { Generator, Layout, LoadOptions, SampleResult } from '../node';
import { checkSizes, defaultScale, SCATTER_SIZE } from './sizes';
import type { SizeRequest } from './sizes';

const int = (what: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new OptionError(`${what} must be an integer >= ${min}`);
  return n;
};
const positive = (value: string) => {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new OptionError('must be a positive number');
  return n;
};
const ints = (value: string) => {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (!list.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new OptionError('must be comma-separated integers, e.g. 28,28,1');
  }
  return list;
};
const numberPair = (value: string): [number, number] => {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length !== 2 || !list.every(Number.isFinite)) throw new OptionError('must be "lo,hi", e.g. -1,1');
  return [list[0]!, list[1]!];
};

interface ModelFlags {
  model: string;
  out: string;
  columns?: number;
  padding: number;
  scale?: number;
  latentDim?: number;
  latentShape?: number[];
  outputShape?: number[];
  layout?: Layout;
  range?: [number, number];
  kind?: 'image' | 'points';
  classes?: string;
}

function withModelOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-m, --model <file>', 'ONNX generator to run')
    .requiredOption(
      '-o, --out <file>',
      'output: a .png/.jpg/.webp grid (a scatter plot for point generators), or .csv/.json points',
    )
    .option('--columns <int>', 'images per grid row (default: square grid)', int('columns', 1))
    .option('--padding <int>', 'pixels between grid images', int('padding', 0), 2)
    .option(
      '--scale <int>',
      'enlarge every pixel to a scale x scale block (default: images of at least 96 px; a scatter is 480 px times this)',
      int('scale', 1),
    )
    .option('--latent-dim <int>', 'latent size, when the model does not say', int('latent dim', 1))
    .option('--latent-shape <ints>', 'per-sample latent shape, e.g. 100,1,1', ints)
    .option('--output-shape <ints>', 'per-sample output shape, e.g. 28,28,1 for a flat [N,784] output', ints)
    .addOption(new Option('--layout <choice>', 'output layout').choices(['NCHW', 'NHWC', 'flat']))
    .option('--range <numbers>', 'generator output range lo,hi, e.g. -1,1', numberPair)
    .addOption(new Option('--kind <choice>', 'what the generator makes').choices(['image', 'points']))
    .option('--classes <list>', 'comma-separated class names of a conditional generator');
}

function loadOptions(flags: ModelFlags): LoadOptions {
  const options: LoadOptions = {};
  if (flags.latentDim !== undefined) options.latentDim = flags.latentDim;
  if (flags.latentShape) options.latentShape = flags.latentShape;
  if (flags.outputShape) options.outputShape = flags.outputShape;
  if (flags.layout) options.layout = flags.layout;
  if (flags.range) options.outputRange = flags.range;
  if (flags.kind) options.kind = flags.kind;
  if (flags.classes) options.classNames = flags.classes.split(',').map((s) => s.trim());
  return options;
}

/**
 * Loads the model, checks the sizes asked for (before the model runs: a grid too large to write fails in
 * a second, not after the whole run), runs `work`, writes the result; user errors become one-line
 * commander errors.
 */
async function runWith(
  cmd: Command,
  flags: ModelFlags,
  request: Pick<SizeRequest, 'flag' | 'count' | 'oneRow'>,
  work: (g: Generator) => Promise<SampleResult>,
) {
  let generator: Generator | undefined;
  try {
    const ext = extname(flags.out).toLowerCase();
    // Before the model loads and runs: a missing folder would otherwise fail at the very end.
    const folder = dirname(resolve(flags.out));
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new InferenceError(
        `output folder ${folder} ${existsSync(folder) ? 'is a file' : 'does not exist'}; create the folder first or pass another --out`,
      );
    }
    generator = await loadGenerator(flags.model, loadOptions(flags));
    checkSizes(generator.info, {
      ...request,
      out: flags.out,
      scale: flags.scale,
      padding: flags.padding,
      columns: flags.columns,
    });
    const result = await work(generator);
    if (result.kind === 'points' && (ext === '.csv' || ext === '.json')) {
      await writeFile(flags.out, ext === '.csv' ? pointsCsv(result.points, result.dims) : pointsJson(result));
    } else if (result.kind === 'points') {
      await writeScatter(result, flags.out, { size: SCATTER_SIZE * (flags.scale ?? 1) });
    } else {
      // Small images (28 px) get enlarged to a readable size unless --scale says otherwise.
      const scale = flags.scale ?? defaultScale(result.width, result.height);
      const grid: { columns?: number; padding: number; scale: number } = { padding: flags.padding, scale };
      if (flags.columns !== undefined) grid.columns = flags.columns;
      await writeGrid(result, flags.out, grid);
    }
    cmd.configureOutput().writeOut?.(`wrote ${flags.out} (${describe(result)})\n`);
  } catch (err) {
    const userError =
      err instanceof InferenceError || typeof (err as NodeJS.ErrnoException).code === 'string';
    if (userError) cmd.error(`error: ${(err as Error).message}${flagHint((err as Error).message)}`);
    throw err;
  } finally {
    await generator?.dispose();
  }
}

const FLAGS: Record<string, string> = {
  latentDim: '--latent-dim',
  latentShape: '--latent-shape',
  outputShape: '--output-shape',
  outputRange: '--range',
  layout: '--layout',
  kind: '--kind',
  labels: '--labels',
  label: '--label',
};

/** SDK messages name LoadOptions fields; point at the matching flags too. */
function flagHint(message: string): string {
  const flags = Object.keys(FLAGS)
    .filter((name) => new RegExp(`\\b(pass|or) ${name}\\b`).test(message))
    .map((name) => FLAGS[name]);
  return flags.length ? ` (command line: ${flags.join(', ')})` : '';
}

function describe(r: SampleResult): string {
  return r.kind === 'image'
    ? `${r.count} images ${r.width}x${r.height}x${r.channels}`
    : `${r.count} points of ${r.dims} dims`;
}

function pointsCsv(points: Float32Array, dims: number): string {
  const header = Array.from({ length: dims }, (_, i) => `x${i}`).join(',');
  const rows: string[] = [header];
  for (let i = 0; i < points.length; i += dims) rows.push(Array.from(points.subarray(i, i + dims)).join(','));
  return rows.join('\n') + '\n';
}

function pointsJson(r: { count: number; dims: number; points: Float32Array }): string {
  const rows = Array.from({ length: r.count }, (_, i) =>
    Array.from(r.points.subarray(i * r.dims, (i + 1) * r.dims)),
  );
  return JSON.stringify(rows) + '\n';
}

/** Labels for `count` samples: the list repeats, so `--labels 3` is all class 3. */
function cycle(labels: number[] | undefined, count: number): number[] | undefined {
  return labels && labels.length > 0
    ? Array.from({ length: count }, (_, i) => labels[i % labels.length]!)
    : undefined;
}

export function sampleCommand(): Command {
  const cmd = withModelOptions(new Command('sample'))
    .description('sample images (or points) from an ONNX generator and write them as a grid')
    .option('-n, --count <int>', 'number of samples', int('count', 1), 64)
    .option('-s, --seed <int>', 'latent seed (same seed, same images)', int('seed', 0), DEFAULT_SEED)
    .option('-t, --truncation <number>', 'redraw latent values with |z| > this', positive)
    .option(
      '--labels <ints>',
      'class indices for a conditional generator, repeated to --count, e.g. 0,1,2',
      ints,
    );
  cmd.action(
    async (flags: ModelFlags & { count: number; seed: number; truncation?: number; labels?: number[] }) => {
      await runWith(cmd, flags, { flag: '--count', count: flags.count, oneRow: false }, (g) => {
        const labels = cycle(flags.labels, flags.count);
        return g.sample({
          count: flags.count,
          seed: flags.seed,
          ...(flags.truncation !== undefined ? { truncation: flags.truncation } : {}),
          ...(labels ? { labels } : {}),
        });
      });
    },
  );
  return cmd;
}

export function interpolateCommand(): Command {
  const cmd = withModelOptions(new Command('interpolate'))
    .description('walk the latent space from one seed to another and write the steps as a grid')
    .requiredOption('--from <int>', 'seed of the first latent', int('from', 0))
    .requiredOption('--to <int>', 'seed of the last latent', int('to', 0))
    .option('--steps <int>', 'images, both ends included', int('steps', 2), 8)
    .addOption(new Option('--method <choice>', 'interpolation').choices(['slerp', 'lerp']).default('slerp'))
    .option('--label <int>', 'class index for a conditional generator', int('label', 0));
  cmd.action(
    async (
      flags: ModelFlags & {
        from: number;
        to: number;
        steps: number;
        method: 'slerp' | 'lerp';
        label?: number;
      },
    ) => {
      // The steps go in one row unless --columns says otherwise.
      await runWith(cmd, flags, { flag: '--steps', count: flags.steps, oneRow: true }, (g) => {
        flags.columns ??= flags.steps;
        return g.interpolate(flags.from, flags.to, flags.steps, {
          method: flags.method,
          ...(flags.label !== undefined ? { label: flags.label } : {}),
        });
      });
    },
  );
  return cmd;
}
