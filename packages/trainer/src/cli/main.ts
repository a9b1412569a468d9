// Entry of `nx run trainer:train`: the same command as `ganforge train`.
import { runCli, trainCommand } from './train';

try {
  process.exitCode = await runCli(trainCommand().name('trainer:train'), process.argv.slice(2));
} catch (e) {
  // An unexpected failure: keep the stack (it is a bug to report), but print it ourselves so the
  // wasm runtime's own uncaught-exception hook does not dump its source.
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
}
