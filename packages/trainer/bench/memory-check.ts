/**
 * Trains the dcgan28 preset and prints, after every epoch, the live TF.js tensor count and bytes and
 * the process RSS, to show that memory stays flat over a long run.
 *
 *   npx tsx bench/memory-check.ts --dataset=/path/train-images-idx3-ubyte.gz [--epochs=2] [--limit=N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { resolveConfig, train } from '../src/index';

const { values: opts } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'fashion-mnist-test' },
    epochs: { type: 'string', default: '2' },
    limit: { type: 'string' },
  },
});
const out = mkdtempSync(join(tmpdir(), 'ganforge-memory-'));
const flags = {
  dataset: opts.dataset,
  epochs: Number(opts.epochs),
  out,
  ...(opts.limit ? { limit: Number(opts.limit) } : {}),
};
try {
  const config = resolveConfig({ preset: 'dcgan28', flags });
  const t0 = performance.now();
  await train(config, {
    overwrite: true,
    onEvent: (e) => {
      if (e.status === 'start')
        console.log(JSON.stringify({ start: true, examples: e.examples, stepsPerEpoch: e.stepsPerEpoch }));
      if (e.status !== 'epoch') return;
      const m = tf.memory();
      console.log(
        JSON.stringify({
          epoch: e.record.epoch,
          steps: e.record.step,
          img_per_s: Math.round(e.record.examplesPerSec * 10) / 10,
          lossD: e.record.lossD,
          lossG: e.record.lossG,
          numTensors: m.numTensors,
          numBytes: m.numBytes,
          rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
          wall_s: Math.round((performance.now() - t0) / 100) / 10,
        }),
      );
    },
  });
} finally {
  rmSync(out, { recursive: true, force: true });
}
