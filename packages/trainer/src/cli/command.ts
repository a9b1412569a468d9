/** `ganforge train` / `nx run trainer:train`: flags -> resolved config -> train(), with progress output. */
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import cliProgress from 'cli-progress';
import {
  CONFIG_KEYS,
  ConfigError,
  DEFAULTS,
  parseFlagValues,
  readConfigFile,
  resolveConfig,
} from '../config';
import { PRESETS } from '../presets';
import { train, type TrainEvent } from '../train';

const fmt = (n: number, d = 3) => (Math.abs(n) >= 1000 ? n.toFixed(0) : n.toFixed(d));

/** Where relative paths and runs/ resolve: the workspace root under Nx, else the current directory. */
export function baseDir(): string {
  return process.env.NX_WORKSPACE_ROOT || process.cwd();
}

function reporter(): (e: TrainEvent) => void {
  const tty = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  return (e) => {
    switch (e.status) {
      case 'start':
        console.log(`run directory: ${e.runDir}`);
        console.log(
          `preset ${e.config.preset} · backend ${e.backend} · data ${e.dataset} (${e.examples} examples) · ${e.config.epochs} epochs × ${e.stepsPerEpoch} steps`,
        );
        break;
      case 'step':
        if (!tty) break;
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              format: `epoch ${e.epoch} [{bar}] {value}/{total} steps · {eta}s left`,
              hideCursor: true,
              stream: process.stderr,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(e.stepsPerEpoch, 0);
        }
        bar.update(e.stepInEpoch);
        break;
      case 'epoch': {
        bar?.stop();
        bar = undefined;
        const r = e.record;
        console.log(
          `epoch ${r.epoch}/${e.epochs}  loss_D ${fmt(r.lossD)}  loss_G ${fmt(r.lossG)}  acc_D real ${fmt(r.accReal, 2)} fake ${fmt(r.accFake, 2)}  ${fmt(r.examplesPerSec, 0)} examples/sec`,
        );
        break;
      }
      case 'done': {
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
        console.log(
          `${result.interrupted ? 'interrupted after' : 'done:'} ${result.epochsCompleted} epochs, ${result.steps} steps in ${result.wallTimeSec.toFixed(1)}s → ${result.runDir}`,
        );
        break;
      }
    }
  };
}

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description('Train a GAN and write a run directory (config, checkpoints, samples, metrics).')
    .option('--config <file>', 'JSON file with config keys (applied after the preset, before flags)')
    .option('--overwrite', 'replace the run directory given by --out if it holds a previous run')
    .addHelpText(
      'after',
      `\nPresets:\n${Object.entries(PRESETS)
        .map(([k, p]) => `  ${k.padEnd(12)} ${p.description}`)
        .join(
          '\n',
        )}\n\nExamples:\n  npx nx run trainer:train --preset=gaussian2d --seed=3\n  npx ganforge train --preset=tiny --out=runs/try\n`,
    );
  // One flag per config key, named as the key (e.g. --batchSize=64), so flags, files and the
  // saved config.json all use the same names.
  for (const key of CONFIG_KEYS) {
    const d = (DEFAULTS as Record<string, unknown>)[key];
    cmd.addOption(
      new Option(
        `--${key} <value>`,
        `config key ${key}${d !== undefined ? ` (default ${JSON.stringify(d)})` : ''}`,
      ),
    );
  }
  cmd.action(async (opts: Record<string, string | boolean | undefined>) => {
    const base = baseDir();
    const { config: configFile, overwrite, ...rest } = opts;
    const flags = parseFlagValues(
      Object.fromEntries(Object.entries(rest).filter((e): e is [string, string] => typeof e[1] === 'string')),
    );
    const file = typeof configFile === 'string' ? readConfigFile(resolve(base, configFile)) : undefined;
    const config = resolveConfig({ file, flags });
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130);
      console.error('\nstopping after this step (Ctrl-C again to quit at once)…');
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    try {
      await train(config, {
        onEvent: reporter(),
        signal: controller.signal,
        workspaceRoot: base,
        overwrite: Boolean(overwrite),
      });
    } finally {
      process.off('SIGINT', onSignal);
    }
  });
  return cmd;
}

/** Errors a user can fix print as one line; anything else keeps its stack for a bug report. */
export function isUserError(e: unknown): e is Error {
  return (
    e instanceof Error && ['ConfigError', 'RunDirError', 'DatasetError', 'ModelFileError'].includes(e.name)
  );
}

export async function runCli(cmd: Command, argv: string[]): Promise<number> {
  cmd.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.showHelpAfterError(false);
  try {
    await cmd.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.unknownOption') {
        process.stderr.write(`valid keys: ${CONFIG_KEYS.join(', ')}\n`);
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
