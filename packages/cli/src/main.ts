/**
 * The `ganforge` command: one program, a subcommand per job. train and eval come from the trainer,
 * export generator from the exporter, sample and interpolate from the inference SDK; this package only
 * puts them together and holds the conventions they share (kebab-case flags, camelCase accepted, one
 * error line).
 */
import { describeFileError, isUserError, kebabFlags } from '@ganforge/contracts';
import { Command, CommanderError } from 'commander';

/** Commander prints its own errors ("error: unknown option ..."); prefix them and keep them on one line. */
function configure(cmd: Command): void {
  cmd.exitOverride().configureOutput({
    outputError: (str, write) => write(`ganforge: ${str.trim().replace(/\s*\n\s*/g, ' ')}\n`),
  });
  cmd.commands.forEach(configure);
}

/** The subcommands, each loaded only when asked for: train pulls in TF.js, sample onnxruntime. */
const SUBCOMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import('@ganforge/trainer/cli')).trainCommand(),
  export: async () => (await import('@ganforge/exporter/cli')).exportCommand(),
  sample: async () => (await import('@ganforge/inference/cli')).sampleCommand(),
  interpolate: async () => (await import('@ganforge/inference/cli')).interpolateCommand(),
  eval: async () => (await import('@ganforge/trainer/cli')).evalCommand(),
};

/**
 * The program for `argv`: a named subcommand mounts only that one, so that `ganforge export …` (or its
 * flag errors) does not wait for the trainer's import graph. Anything else (--help, a typo) mounts all.
 */
export async function program(argv: string[] = process.argv): Promise<Command> {
  const root = new Command('ganforge')
    .description('GANForge: train GANs with TF.js, export generators to ONNX, sample them anywhere')
    .showHelpAfterError(false);
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = named && named in SUBCOMMANDS ? [named] : Object.keys(SUBCOMMANDS);
  for (const cmd of await Promise.all(wanted.map((name) => SUBCOMMANDS[name]!()))) root.addCommand(cmd);
  configure(root);
  return root;
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = [...argv.slice(0, 2), ...kebabFlags(argv.slice(2))];
  try {
    await (await program(args)).parseAsync(args);
    return 0;
  } catch (e) {
    // Help and version also arrive here, with exit code 0; commander has already printed its errors.
    if (e instanceof CommanderError) return e.exitCode;
    // A write the disk refused (full, read-only) that no writer put in words: in words here.
    const err = describeFileError(e) as Error;
    console.error(`ganforge: error: ${String(err.message).split('\n')[0]}`);
    // Errors a user can fix, whichever package threw them (see UserError): one line, no stack.
    if (!isUserError(err) || process.env.GANFORGE_DEBUG) console.error(err.stack);
    return 1;
  }
}
