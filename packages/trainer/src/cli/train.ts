/** `ganforge train` (and the workspace's `nx run trainer:train`): flags -> resolved config -> train(), with progress output. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { describeFileError, isUserError, kebabFlags } from '@ganforge/contracts';
import { z } from 'zod';
import {
  CONFIG_HELP,
  CONFIG_KEYS,
  ConfigError,
  DEFAULTS,
  parseFlagValues,
  resolveConfig,
  TrainConfigSchema,
  type TrainConfig,
} from '../config';
import { readConfigFile } from '../config/config-file';
import { flagOf } from './flag-names';
import { PRESETS } from '../config/presets';
import { BUILTIN_IDX, POINT_COUNT } from '../data/datasets';
import { POINT_DATASETS } from '../data/points2d';
import { EMOJI_DATASETS, EMOJI_PACKAGE } from '../data/emoji';
import { DecodeStopped } from '../data/folder-cache';
import { unpackRunArchive } from '../run/untar';
import { resumeConfig } from '../loop/run-files';
import { train } from '../loop/train';
import { reporter } from './progress';
import { stopSignals } from './stop';

const DATASET_HELP = [
  ...Object.entries(BUILTIN_IDX).map(([k, d]) => `  ${k.padEnd(20)} ${d.name}, bundled (labels included)`),
  ...Object.entries(EMOJI_DATASETS).map(
    ([k, d]) => `  ${k.padEnd(20)} ${d.label}, 9 categories (needs the ${EMOJI_PACKAGE} package)`,
  ),
  `  ${'gaussian2d'.padEnd(20)} ${POINT_COUNT} points X·A + b (the d2l chapter; model gaussian2d or points-mlp)`,
  ...Object.entries(POINT_DATASETS)
    .filter(([k]) => k !== 'gaussian2d')
    .map(
      ([k, d]) =>
        `  ${k.padEnd(20)} ${POINT_COUNT} points: ${d.label}, seeded by --seed (model points-mlp or gaussian2d)`,
    ),
  `  ${'<file>.json|.csv'.padEnd(20)} 2-D points, one [x, y] row each (JSON array or { "points": [...] }, or CSV x,y lines); model points-mlp or gaussian2d`,
  `  ${'<file>'.padEnd(20)} an IDX image file, gzipped or not (MNIST format); --label-file=<IDX label file> for classes`,
  `  ${'<folder>'.padEnd(20)} PNG/JPEG/WebP images, resized to --image-size (default 64); one subfolder per class gives labels`,
].join('\n');

/** Where relative paths and runs/ resolve: the workspace root under Nx, else the current directory. */
export function baseDir(): string {
  return process.env.NX_WORKSPACE_ROOT || process.cwd();
}

/** Exit status of a run stopped by SIGTERM, after its checkpoint. */
export const TERMINATED_EXIT = 143;
/** Exit status after Ctrl-C, once the checkpoint is written (128 + SIGINT), so `train && export` stops. */
export const INTERRUPTED_EXIT = 130;

/** Old flag name -> config key, still accepted. */
const RENAMED: Record<string, keyof TrainConfig> = { model: 'model', labels: 'labels' };

export { flagOf };

/** The value placeholder help shows for a config key: its type, or its choices. */
function valueType(key: keyof TrainConfig): string {
  const field = TrainConfigSchema.shape[key];
  const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
  if (inner instanceof z.ZodNumber) return inner.isInt ? 'int' : 'number';
  if (inner instanceof z.ZodBoolean) return 'bool';
  // The choices are in the description.
  if (inner instanceof z.ZodEnum) return 'choice';
  if (inner instanceof z.ZodArray) return inner.element instanceof z.ZodEnum ? 'list' : 'ints';
  return key === 'out' || key === 'dataset' || key === 'labels' ? 'path' : 'string';
}

/** Parsed option values (commander's camelCase attribute names) -> config keys with their text. */
function configFlags(opts: Record<string, string | boolean | undefined>): Record<string, string> {
  const byAttribute = new Map<string, keyof TrainConfig>();
  for (const key of CONFIG_KEYS) byAttribute.set(new Option(`--${flagOf(key)} <v>`).attributeName(), key);
  const out: Record<string, string> = {};
  for (const [attr, value] of Object.entries(opts)) {
    if (typeof value !== 'string') continue;
    const key = byAttribute.get(attr) ?? RENAMED[attr];
    if (!key) continue;
    if (out[key] !== undefined && out[key] !== value) {
      throw new ConfigError(`--${flagOf(key)} and its old spelling --${attr} disagree: pass one of them`);
    }
    out[key] = value;
  }
  return out;
}

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description('Train a GAN and write a run directory (config, checkpoints, samples, metrics).')
    .option('--config <file>', 'JSON file with config keys (applied after the preset, before flags)')
    .option('--overwrite', 'replace the run directory given by --out if it holds a previous run')
    .option(
      '--resume <dir>',
      "continue a run from its latest checkpoint (same optimizer state and step); may change --epochs, --checkpoint-every, --backend, --lr-d, --lr-g; a .tar of a run folder (the playground's Download run) is unpacked next to itself first",
    )
    .option('--quiet', 'no progress bar: one line per epoch (for logs)')
    .addHelpText(
      'after',
      `\nPresets:\n${Object.entries(PRESETS)
        .map(([k, p]) => `  ${k.padEnd(12)} ${p.description}`)
        .join(
          '\n',
        )}\n\nDatasets (--dataset):\n${DATASET_HELP}\n\nExamples:\n  npx ganforge train --preset=gaussian2d --seed=3\n  npx ganforge train --preset=points --dataset=moons --hidden-g=128,128 --activation=tanh\n  npx ganforge train --preset=tiny --out=runs/try\n  npx ganforge train --preset=dcgan64 --dataset=path/to/flowers --image-size=80\n  npx ganforge train --preset=cgan --dataset=train-images-idx3-ubyte.gz --label-file=train-labels-idx1-ubyte.gz\n  npx ganforge train --resume runs/try --epochs=20\n`,
    );
  // One flag per config key, the key in kebab-case (latentDim: --latent-dim); the key's own spelling
  // (--latentDim) works too, as config files and saved config.json files use it.
  for (const key of CONFIG_KEYS) {
    const d = (DEFAULTS as Record<string, unknown>)[key];
    const help = `${CONFIG_HELP[key]}${d !== undefined ? ` (default ${JSON.stringify(d)})` : ''}`;
    cmd.addOption(new Option(`--${flagOf(key)} <${valueType(key)}>`, help));
  }
  // Renamed flags, kept for scripts: train --model was the architecture, --labels the label file.
  for (const [old, key] of Object.entries(RENAMED)) {
    cmd.addOption(new Option(`--${old} <${valueType(key)}>`).hideHelp());
  }
  cmd.action(async (opts: Record<string, string | boolean | undefined>) => {
    const base = baseDir();
    const { config: configFile, overwrite, resume, quiet, ...rest } = opts;
    const flags = parseFlagValues(configFlags(rest));
    const file = typeof configFile === 'string' ? readConfigFile(resolve(base, configFile)) : undefined;
    if (typeof resume === 'string' && file) {
      throw new ConfigError("--resume uses the run's own config.json: drop --config");
    }
    // A run archive (.tar) is unpacked next to itself, and its run folder resumed.
    const resumeDir =
      typeof resume === 'string'
        ? /\.tar$/i.test(resume) && statSync(resolve(base, resume), { throwIfNoEntry: false })?.isFile()
          ? unpackRunArchive(resolve(base, resume))
          : resolve(base, resume)
        : undefined;
    if (resumeDir && resumeDir !== resolve(base, resume as string))
      console.log(`unpacked ${resume} into ${resumeDir}`);
    const config = resumeDir ? resumeConfig(resumeDir, flags) : resolveConfig({ file, flags });
    // SIGTERM (kill, a job scheduler, docker stop) stops like Ctrl-C: after this step, with a checkpoint.
    const stop = stopSignals({ SIGINT: INTERRUPTED_EXIT, SIGTERM: TERMINATED_EXIT });
    try {
      await train(config, {
        onEvent: reporter(Boolean(quiet)),
        signal: stop.signal,
        workspaceRoot: base,
        overwrite: Boolean(overwrite),
        resume: typeof resume === 'string',
      });
    } catch (e) {
      // Stopped while the images decode: what is decoded is kept; exit as for a stopped run.
      if (!(e instanceof DecodeStopped) || !stop.stoppedBy()) throw e;
      console.log(e.message);
    } finally {
      stop.dispose();
    }
    const stoppedBy = stop.stoppedBy();
    // The checkpoint is on disk; exit as a process stopped by that signal does, so a supervisor or a
    // shell script sees the run did not finish.
    if (stoppedBy === 'SIGTERM')
      throw new CommanderError(TERMINATED_EXIT, 'ganforge.terminated', 'terminated by SIGTERM');
    if (stoppedBy === 'SIGINT')
      throw new CommanderError(INTERRUPTED_EXIT, 'ganforge.interrupted', 'interrupted by Ctrl-C');
  });
  return cmd;
}

export async function runCli(cmd: Command, argv: string[]): Promise<number> {
  cmd.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.showHelpAfterError(false);
  try {
    await cmd.parseAsync(kebabFlags(argv), { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.unknownOption') {
        process.stderr.write(`valid options: ${CONFIG_KEYS.map((k) => `--${flagOf(k)}`).join(', ')}\n`);
      }
      return e.exitCode || 1;
    }
    // Errors a user can fix (a write the disk refused among them) print as one line; anything else
    // keeps its stack for a bug report.
    const err = describeFileError(e);
    if (isUserError(err)) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
