/** The `ganforge` command: one program, one subcommand per project. */
import { Command, CommanderError } from 'commander';
import { exportCommand } from './export-command';

/** Commander prints its own errors ("error: unknown option ..."); prefix them and keep them on one line. */
function configure(cmd: Command): void {
  cmd.exitOverride().configureOutput({
    outputError: (str, write) => write(`ganforge: ${str.trim().replace(/\s*\n\s*/g, ' ')}\n`),
  });
  cmd.commands.forEach(configure);
}

/**
 * The program for `argv`. `ganforge export ...` mounts only the export command: the train and sample
 * commands pull in the trainer's and the SDK's whole import graphs, which an export (or its flag
 * errors) does not need to wait for. Everything else, top-level --help included, mounts all four.
 */
export async function program(argv: string[] = process.argv): Promise<Command> {
  const root = new Command('ganforge')
    .description('GANForge: train GANs with TF.js, export generators to ONNX, sample them anywhere')
    .showHelpAfterError(false);
  const subcommand = argv.slice(2).find((a) => !a.startsWith('-'));
  if (subcommand === 'export') {
    root.addCommand(exportCommand());
  } else {
    const [{ trainCommand }, { interpolateCommand, sampleCommand }] = await Promise.all([
      import('@ganforge/trainer/cli'),
      import('@ganforge/inference/cli'),
    ]);
    root.addCommand(trainCommand());
    root.addCommand(exportCommand());
    root.addCommand(sampleCommand());
    root.addCommand(interpolateCommand());
  }
  configure(root);
  return root;
}

async function main(argv: string[]): Promise<number> {
  try {
    await (await program(argv)).parseAsync(argv);
    return 0;
  } catch (e) {
    // Help and version also arrive here, with exit code 0; commander has already printed its errors.
    if (e instanceof CommanderError) return e.exitCode;
    const err = e as Error;
    console.error(`ganforge: error: ${String(err.message).split('\n')[0]}`);
    if (process.env.GANFORGE_DEBUG) console.error(err.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv);
