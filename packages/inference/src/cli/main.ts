/** Runs `sample` and `interpolate` standalone: `tsx src/cli/main.ts sample --help`. */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { OutputConfiguration } from 'commander';
import { interpolateCommand, sampleCommand } from './commands';

/** Runs the commands standalone; resolves to the exit code instead of exiting (so tests can call it). */
export async function main(argv: string[] = process.argv, output?: OutputConfiguration): Promise<number> {
  const program = new Command('ganforge').description('run GANForge ONNX generators');
  for (const sub of [sampleCommand(), interpolateCommand()]) {
    sub.exitOverride();
    if (output) sub.configureOutput(output);
    program.addCommand(sub);
  }
  program.exitOverride();
  if (output) program.configureOutput(output);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
