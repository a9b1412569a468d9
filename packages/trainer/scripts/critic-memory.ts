/**
 * Whether a run's D has memorised its training images: D's verdict on the images it trained on against
 * as many real images of the same set it never saw. A run trained with --limit=n takes the first n
 * images of its dataset; the next n are the unseen ones (the validation-set overfitting heuristic of
 * the ADA paper). Reads the run's last written `discriminator/` and `config.json`:
 *
 *   npx tsx scripts/critic-memory.ts runs/fashion-1000 [more runs…]
 *
 * Prints one JSON line per run: for the training and the unseen images, D's mean sigmoid output and the
 * share of images it calls real (output above 0), with BatchNorm as in training (batches of 64 of one
 * kind) and with its running statistics.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, initBackend } from '../src/kernels/backend';
import { FileModelIO } from '../src/run/model-io';
import { batchValues, datasetOptions, loadDataset } from '../src/data/datasets';
import type { TrainConfig } from '../src/config';

const BATCH = 64;

function fail(why: string): never {
  console.error(`critic-memory: ${why}\nusage: critic-memory.ts <run dir> [more run dirs…]`);
  process.exit(2);
}

interface Verdict {
  meanSigmoid: number;
  calledReal: number;
}

/** D's verdict on examples [from, from + n) of `data`. */
function verdict(
  D: Awaited<ReturnType<typeof tf.loadLayersModel>>,
  data: Awaited<ReturnType<typeof loadDataset>>,
  from: number,
  n: number,
  training: boolean,
): Verdict {
  let sig = 0;
  let real = 0;
  for (let i = from; i < from + n; i += BATCH) {
    const idx = Array.from({ length: Math.min(BATCH, from + n - i) }, (_, k) => i + k);
    const logits = tf.tidy(() => {
      const x = tf.tensor(batchValues(data, idx), [idx.length, ...data.shape]);
      return (D.apply(x, { training }) as ReturnType<typeof tf.zeros>).dataSync();
    });
    for (const l of logits) {
      sig += 1 / (1 + Math.exp(-l));
      real += l > 0 ? 1 : 0;
    }
  }
  return { meanSigmoid: +(sig / n).toFixed(4), calledReal: +(real / n).toFixed(4) };
}

async function main() {
  const runs = process.argv.slice(2);
  if (runs.length === 0 || runs.includes('--help')) fail('name one or more run directories');
  await initBackend();
  for (const run of runs) {
    const configFile = join(run, 'config.json');
    if (!existsSync(configFile)) fail(`${run} has no config.json: is it a run directory?`);
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as TrainConfig;
    const n = config.limit;
    if (!n) fail(`${run} trained on its whole dataset (no --limit): there are no unseen images to compare`);
    if (config.conditional)
      fail(`${run} is conditional: its D also takes labels, which this check does not give`);
    const data = await loadDataset(datasetOptions({ ...config, limit: 2 * n }));
    if (data.count < 2 * n)
      fail(`${run}'s dataset has ${data.count} images: ${n} more than its --limit=${n} are needed`);
    const D = await tf.loadLayersModel(new FileModelIO(join(run, 'discriminator')));
    const report = (training: boolean) => ({
      trained: verdict(D, data, 0, n, training),
      unseen: verdict(D, data, n, n, training),
    });
    console.log(
      JSON.stringify({ run, images: n, batchStatistics: report(true), runningStatistics: report(false) }),
    );
    D.dispose();
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
