/** `ganforge export generator`: the exporter's subcommand. */
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_OPSET, MIN_OPSET } from '@ganforge/contracts/onnx';
import { ExportOptionError } from '../errors';
import type { ExportResult, TensorSummary } from '../export';

function parseOpset(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_OPSET || n > DEFAULT_OPSET) {
    throw new InvalidArgumentError(`must be an integer from ${MIN_OPSET} to ${DEFAULT_OPSET}.`);
  }
  return n;
}

function parseLayout(value: string): 'NCHW' | 'NHWC' {
  const v = value.toUpperCase();
  if (v !== 'NCHW' && v !== 'NHWC') throw new InvalidArgumentError('must be nchw or nhwc.');
  return v;
}

const shape = (t: TensorSummary) => `${t.name} ${t.dtype} [${t.shape.join(', ')}]`;

function report(r: ExportResult): void {
  console.log(`inputs:  ${r.inputs.map(shape).join(', ')}`);
  console.log(`outputs: ${r.outputs.map(shape).join(', ')}`);
  console.log(`opset:   ${r.opset}`);
  console.log(`size:    ${r.bytes} bytes (${(r.bytes / 1024 / 1024).toFixed(2)} MiB)`);
  console.log(`weights: ${r.fp16 ? 'float16 (cast to float32 in the graph)' : 'float32'}`);
  if (r.maxAbsDiff === null) console.log('parity:  not verified (--no-verify)');
  for (const b of r.verified)
    console.log(
      `parity:  batch ${b.batch}: max |tfjs - onnxruntime| = ${b.maxAbsDiff.toExponential(2)} (tolerance ${r.tolerance})`,
    );
  const t = r.timings;
  console.log(
    `time:    load ${t.loadMs.toFixed(0)} ms, convert ${t.convertMs.toFixed(0)} ms, verify ${t.verifyMs.toFixed(0)} ms, write ${t.writeMs.toFixed(0)} ms`,
  );
  if (r.modelCard) console.log(`card:    ${r.modelCard}`);
  console.log(`wrote:   ${r.file}`);
}

interface GeneratorFlags {
  run?: string;
  model?: string;
  out?: string;
  opset: number;
  verify: boolean;
  fp16?: boolean;
  layout: 'NCHW' | 'NHWC';
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
    .option('--model <file>', 'any TF.js LayersModel model.json (instead of --run)')
    .option('--out <file>', 'output path (default: <run>/generator.onnx, or model.onnx next to model.json)')
    .option('--opset <int>', `ONNX opset, ${MIN_OPSET}-${DEFAULT_OPSET}`, parseOpset, DEFAULT_OPSET)
    .option('--fp16', 'store weights as float16: half the file, verified to a looser tolerance (5e-3)')
    .option('--layout <choice>', 'image output layout: nchw | nhwc', parseLayout, 'NCHW' as const)
    .option('--no-verify', 'skip the onnxruntime-vs-TF.js comparison')
    .action(async (flags: GeneratorFlags) => {
      if (Boolean(flags.run) === Boolean(flags.model)) {
        throw new ExportOptionError('pass exactly one of --run <dir> or --model <model.json> (see --help)');
      }
      // Loaded on demand so that --help and flag errors do not wait for TF.js and onnxruntime.
      const { exportGenerator } = await import('../export');
      report(await exportGenerator({ ...flags }));
    });
  return cmd;
}
