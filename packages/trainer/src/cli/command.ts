/** `ganforge train` / `nx run trainer:train`: flags -> resolved config -> train(), with progress output. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { countEpochs, describeEpochs, kebabFlags } from '@ganforge/contracts';
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
import { readConfigFile } from '../config-file';
import { flagOf } from './flag-names';
import { PRESETS } from '../presets';
import { BUILTIN_IDX, POINT_COUNT } from '../data/datasets';
import { POINT_DATASETS } from '../data/points2d';
import { EMOJI_DATASETS, EMOJI_PACKAGE } from '../data/emoji';
import { unpackRunArchive } from '../run/untar';
import { resumeConfig, train, type TrainEvent } from '../train';
import { qualityLines } from '../eval/hook';

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

const fmt = (n: number, d = 3) => (Math.abs(n) >= 1000 ? n.toFixed(0) : n.toFixed(d));

/** Where relative paths and runs/ resolve: the workspace root under Nx, else the current directory. */
export function baseDir(): string {
  return process.env.NX_WORKSPACE_ROOT || process.cwd();
}

/** Seconds as "45s", "3m05s", "1h02m": rounded once, so never "1m60s". */
export function formatDuration(seconds: number): string {
  const t = Math.max(0, Math.round(seconds));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Time left in the whole run, not the epoch: the steps still to go at the pace so far, capped by what
 * remains of --max-minutes (then it says so).
 */
export function runEta(o: {
  elapsedSec: number;
  stepsDone: number;
  stepsLeft: number;
  budgetLeftSec?: number;
}): string {
  if (o.stepsDone <= 0 || o.elapsedSec <= 0) return '…';
  const bySteps = (o.stepsLeft * o.elapsedSec) / o.stepsDone;
  if (o.budgetLeftSec !== undefined && o.budgetLeftSec < bySteps) {
    return `${formatDuration(o.budgetLeftSec)} (time budget)`;
  }
  return formatDuration(bySteps);
}

/**
 * "3 epochs", "2 epochs (the last 37/64 steps)": a run stopped inside an epoch counts that epoch, with its
 * steps, as the model card and the loss plot do (countEpochs in @ganforge/contracts).
 */
export function epochsDone(epochs: number, steps: number, stepsPerEpoch: number): string {
  if (!Number.isFinite(stepsPerEpoch)) return describeEpochs({ epochs });
  return describeEpochs(countEpochs(steps, stepsPerEpoch));
}

function reporter(quiet: boolean): (e: TrainEvent) => void {
  // A live bar on a terminal; a log (and --quiet) gets one line per epoch instead.
  const tty = Boolean(process.stderr.isTTY) && !quiet;
  let bar: cliProgress.SingleBar | undefined;
  let figures = { lossD: '-', lossG: '-', dx: '-', dgz: '-', ips: '-' };
  // A Wasserstein critic's sign means nothing, so "accuracy" neither: show the critic's gap instead.
  let critic = false;
  // The run's dataset: it says whose features the closing quality figures are in.
  let dataset: string | undefined;
  let plan:
    | { totalSteps: number; stepsPerEpoch: number; epochs: number; budgetSec?: number; startedAt: number }
    | undefined;
  // Pace: from the first step this process ran (start-up and a resume's restore left out).
  let first: { step: number; at: number } | undefined;
  const eta = (step: number): string => {
    if (!plan) return '…';
    const now = performance.now();
    first ??= { step, at: now };
    const budgetLeftSec =
      plan.budgetSec === undefined ? undefined : plan.budgetSec - (now - plan.startedAt) / 1000;
    return runEta({
      elapsedSec: (now - first.at) / 1000,
      stepsDone: step - first.step,
      stepsLeft: plan.totalSteps - step,
      ...(budgetLeftSec !== undefined ? { budgetLeftSec } : {}),
    });
  };
  return (e) => {
    switch (e.status) {
      case 'start':
        critic = e.config.loss === 'wasserstein';
        dataset = e.config.dataset;
        plan = {
          totalSteps: e.config.epochs * e.stepsPerEpoch,
          stepsPerEpoch: e.stepsPerEpoch,
          epochs: e.config.epochs,
          ...(e.config.maxMinutes !== undefined ? { budgetSec: e.config.maxMinutes * 60 } : {}),
          startedAt: performance.now(),
        };
        console.log(`run directory: ${e.runDir}`);
        console.log(
          `preset ${e.config.preset} · engine ${e.engine === 'onnxruntime' ? 'onnxruntime (compiled step)' : `tfjs (${e.backend})`} · data ${e.dataset} (${e.examples} examples) · ${e.config.epochs} epochs × ${e.stepsPerEpoch} steps${e.config.maxMinutes ? ` · time budget ${formatDuration(e.config.maxMinutes * 60)}` : ''}`,
        );
        if (e.engineNote) console.log(`engine: TF.js because ${e.engineNote}`);
        if (e.resumedAt) console.log(`resuming after epoch ${e.resumedAt.epoch}, step ${e.resumedAt.step}`);
        break;
      case 'step':
        if (e.running) {
          const r = e.running;
          figures = {
            lossD: fmt(r.lossD),
            lossG: fmt(r.lossG),
            dx: fmt(r.dReal, 2),
            dgz: fmt(r.dFake, 2),
            ips: fmt(r.examplesPerSec, 0),
          };
        }
        if (!tty) break;
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              format: `epoch ${e.epoch}/${plan?.epochs ?? '?'} [{bar}] {value}/{total} · loss_D {lossD} loss_G {lossG} · D(x) {dx} D(G(z)) {dgz} · {ips} img/s · run ETA {runEta}`,
              hideCursor: true,
              stream: process.stderr,
              etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(e.stepsPerEpoch, e.stepInEpoch - 1, { ...figures, runEta: eta(e.step - 1) });
        }
        bar.update(e.stepInEpoch, { ...figures, runEta: eta(e.step) });
        break;
      case 'checkpoint':
        break;
      case 'epoch': {
        bar?.stop();
        bar = undefined;
        const r = e.record;
        const extra = r.extra
          ? '  ' +
            Object.entries(r.extra)
              .map(([k, v]) => `${k} ${fmt(v)}`)
              .join('  ')
          : '';
        const judged = critic
          ? `critic gap D(x)-D(G(z)) ${fmt((r.dReal ?? 0) - (r.dFake ?? 0), 3)}`
          : `acc_D real ${fmt(r.accReal, 2)} fake ${fmt(r.accFake, 2)}`;
        // A part epoch (the time budget ended it) says how far it got, as the card and the plot do.
        const part = plan ? r.step - (r.epoch - 1) * plan.stepsPerEpoch : 0;
        const partial =
          plan && part > 0 && part < plan.stepsPerEpoch ? ` (${part}/${plan.stepsPerEpoch} steps)` : '';
        console.log(
          `epoch ${r.epoch}/${e.epochs}${partial}  loss_D ${fmt(r.lossD)}  loss_G ${fmt(r.lossG)}  D(x) ${fmt(r.dReal ?? 0, 2)}  D(G(z)) ${fmt(r.dFake ?? 0, 2)}  ${judged}  ${fmt(r.examplesPerSec, 0)} img/s${extra}`,
        );
        break;
      }
      case 'done': {
        bar?.stop();
        bar = undefined;
        const { result } = e;
        const est = result.estimate;
        if (est) {
          const v = (a: number[]) => `[${a.map((x) => x.toFixed(3)).join(', ')}]`;
          console.log(`mean of 10,000 generated points  ${v(est.mean)}   target b   ${v(est.targetMean)}`);
          console.log(
            `covariance                       ${v(est.cov.flat())}   target AᵀA ${v(est.targetCov.flat())}`,
          );
          console.log(`worst relative error ${(est.worstRelErr * 100).toFixed(1)}%`);
        }
        const scored = result.metrics.filter((m) => m.extra?.['eval.fd'] !== undefined).at(-1)?.extra;
        if (scored) {
          const epoch = result.metrics.at(-1)?.epoch;
          for (const line of qualityLines(scored, epoch, result.runDir, dataset)) console.log(line);
        }
        console.log(
          `${result.interrupted ? 'interrupted after' : result.budgetReached ? 'time budget reached:' : 'done:'} ${epochsDone(result.epochsCompleted, result.steps, plan?.stepsPerEpoch ?? Infinity)}, ${result.steps} steps in ${result.wallTimeSec.toFixed(1)}s → ${result.runDir}`,
        );
        if (result.interrupted) {
          console.log(
            result.checkpoint
              ? `checkpoint at step ${result.steps}: ${result.checkpoint}\ncontinue with: --resume ${result.runDir}`
              : 'no step was done since the start, nothing to save',
          );
        }
        break;
      }
    }
  };
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
  if (inner instanceof z.ZodArray) return 'ints';
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
        )}\n\nDatasets (--dataset):\n${DATASET_HELP}\n\nExamples:\n  npx nx run trainer:train -- --preset=gaussian2d --seed=3\n  npx ganforge train --preset=points --dataset=moons --hidden-g=128,128 --activation=tanh\n  npx ganforge train --preset=tiny --out=runs/try\n  npx ganforge train --preset=dcgan64 --dataset=path/to/flowers --image-size=80\n  npx ganforge train --preset=cgan --dataset=train-images-idx3-ubyte.gz --label-file=train-labels-idx1-ubyte.gz\n  npx ganforge train --resume runs/try --epochs=20\n`,
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
    const controller = new AbortController();
    let stoppedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      const term = signal === 'SIGTERM';
      if (controller.signal.aborted) process.exit(term ? TERMINATED_EXIT : INTERRUPTED_EXIT);
      stoppedBy ??= signal;
      console.error(
        term
          ? '\nSIGTERM: stopping after this step (send it again to quit at once)…'
          : '\nstopping after this step (Ctrl-C again to quit at once)…',
      );
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await train(config, {
        onEvent: reporter(Boolean(quiet)),
        signal: controller.signal,
        workspaceRoot: base,
        overwrite: Boolean(overwrite),
        resume: typeof resume === 'string',
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    // The checkpoint is on disk; exit as a process stopped by that signal does, so a supervisor or a
    // shell script sees the run did not finish.
    if (stoppedBy === 'SIGTERM')
      throw new CommanderError(TERMINATED_EXIT, 'ganforge.terminated', 'terminated by SIGTERM');
    if (stoppedBy === 'SIGINT')
      throw new CommanderError(INTERRUPTED_EXIT, 'ganforge.interrupted', 'interrupted by Ctrl-C');
  });
  return cmd;
}

/** Errors a user can fix print as one line; anything else keeps its stack for a bug report. */
export function isUserError(e: unknown): e is Error {
  return (
    e instanceof Error &&
    [
      'ConfigError',
      'RunDirError',
      'DatasetError',
      'ModelFileError',
      'TrainingError',
      'FileWriteError',
    ].includes(e.name)
  );
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
    if (isUserError(e) || e instanceof ConfigError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
