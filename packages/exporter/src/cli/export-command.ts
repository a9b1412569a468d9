/** `ganforge export generator`: the exporter's subcommand. */
import { Command, InvalidArgumentError } from 'commander';
import { ExportError } from '../errors';
import type { ExportResult, TensorSummary } from '../export';
import { DEFAULT_OPSET, MIN_OPSET } from '../opset';

function parseOpset(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_OPSET || n > DEFAULT_OPSET) {
    throw new InvalidArgumentError(`must be an integer from ${MIN_OPSET} to ${DEFAULT_OPSET}.`);
  }
  return n;
}

const shape = (t: TensorSummary) => `${t.name} ${t.dtype} [${t.shape.join(', ')}]`;

function report(r: ExportResult): void {
  console.log(`inputs:  ${r.inputs.map(shape).join(', ')}`);
  console.log(`outputs: ${r.outputs.map(shape).join(', ')}`);
  console.log(`opset:   ${r.opset}`);
  console.log(`size:    ${r.bytes} bytes (${(r.bytes / 1024 / 1024).toFixed(2)} MiB)`);
  if (r.maxAbsDiff === null) console.log('parity:  not verified (--no-verify)');
  for (const b of r.verified)
    console.log(`parity:  batch ${b.batch}: max |tfjs - onnxruntime| = ${b.maxAbsDiff.toExponential(2)}`);
  if (r.modelCard) console.log(`card:    ${r.modelCard}`);
  console.log(`wrote:   ${r.file}`);
}

interface GeneratorFlags {
  run?: string;
  model?: string;
  out?: string;
  opset: number;
  verify: boolean;
}

export function exportCommand(): Command {
  const cmd = new Command('export').description('export a trained model to ONNX');
  cmd
    .command('generator')
    .description(
      'convert a TF.js generator (a run directory or any LayersModel model.json) to ONNX and verify it',
    )
    .option(
      '--run <dir>',
      'GANForge run directory (reads generator/ and model-card.json, writes generator.onnx)',
    )
    .option('--model <model.json>', 'any TF.js LayersModel model.json (instead of --run)')
    .option('--out <file>', 'output path (default: <run>/generator.onnx, or model.onnx next to model.json)')
    .option('--opset <n>', `ONNX opset, ${MIN_OPSET}-${DEFAULT_OPSET}`, parseOpset, DEFAULT_OPSET)
    .option('--no-verify', 'skip the onnxruntime-vs-TF.js comparison')
    .action(async (flags: GeneratorFlags) => {
      if (Boolean(flags.run) === Boolean(flags.model)) {
        throw new ExportError('pass exactly one of --run <dir> or --model <model.json> (see --help)');
      }
      // Loaded on demand so that --help and flag errors do not wait for TF.js and onnxruntime.
      const { exportGenerator } = await import('../export');
      const { PARITY_TOLERANCE } = await import('../verify');
      const result = await exportGenerator({ ...flags });
      report(result);
      if (result.passed === false) {
        throw new ExportError(
          `verification failed: max abs difference ${result.maxAbsDiff} exceeds ${PARITY_TOLERANCE} (the ONNX file was written but does not match TF.js)`,
        );
      }
    });
  return cmd;
}
