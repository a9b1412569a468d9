/**
 * Trains the emoji evaluator's classifier (whose features FD, KID and precision/recall of 64x64 RGB
 * samples are computed in) on the 9 categories of the emoji-all set and writes it to
 * packages/trainer/models/<name>/ with its accuracy on held-out emoji. Run by hand, never by tests:
 *
 *   npx tsx scripts/train-emoji-classifier.ts [--epochs 60 --decay-epochs 12 --seed 1] [--name emoji-classifier-v1]
 *
 * The test split holds out whole emoji (an emoji with all its skin-tone variants, ~15% per
 * category), so a variant of a training emoji never scores as a test image. Batches draw a category
 * uniformly, then an emoji, then one of its variants: People & Body, 60% of the images, would
 * otherwise teach the network to answer it. Augmentation: mirror and shifts of up to 4 px on white.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import seedrandom from 'seedrandom';
import { writeJsonAtomic } from '@ganforge/contracts';
import { initBackend, tf } from '../src/kernels/backend';
import { EMOJI_CATEGORIES, EMOJI_LICENSE, EMOJI_PACKAGE, EMOJI_VERSION, loadEmoji } from '../src/data/emoji';
import { FileModelIO } from '../src/run/model-io';
import { FEATURE_LAYER, type ClassifierInfo } from '../src/eval/classifier';

const HERE = dirname(fileURLToPath(import.meta.url));
const S = 64;
const PER = S * S * 3;
const K = EMOJI_CATEGORIES.length;

const opts = new Command()
  .option('--epochs <n>', 'training epochs (an epoch: as many draws as training images)', '60')
  .option('--decay-epochs <n>', 'final epochs at a fifth of the learning rate', '12')
  .option('--test-share <x>', 'share of each category held out for the test split', '0.15')
  .option('--seed <n>', 'split, sampling and augmentation seed', '1')
  .option('--name <name>', 'evaluator name (folder under models/)', 'emoji-classifier-v1')
  .parse()
  .opts<{ epochs: string; decayEpochs: string; testShare: string; seed: string; name: string }>();

/** Whole emoji (groups) per category, a seeded `share` of each held out. */
function split(labels: Int32Array, groups: Int32Array, share: number, rng: () => number) {
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < groups.length; i++)
    if (i === 0 || groups[i] !== groups[i - 1]) byClass[labels[i]!]!.push(groups[i]!);
  const testGroups = new Set<number>();
  for (const gs of byClass) {
    for (let i = gs.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [gs[i], gs[j]] = [gs[j]!, gs[i]!];
    }
    gs.slice(0, Math.round(gs.length * share)).forEach((g) => testGroups.add(g));
  }
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < groups.length; i++) (testGroups.has(groups[i]!) ? test : train).push(i);
  return { train, test };
}

/** Training images as [category][emoji][variant] image indices, for balanced draws. */
function nest(indices: number[], labels: Int32Array, groups: Int32Array): number[][][] {
  const out: number[][][] = Array.from({ length: K }, () => []);
  let last = -1;
  for (const i of indices) {
    const c = out[labels[i]!]!;
    if (groups[i] !== last) c.push([]);
    c.at(-1)!.push(i);
    last = groups[i]!;
  }
  return out;
}

const UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 127.5 - 1);

/** Image `j` into slot `i` of `dst`, mirrored or not, shifted by (dx, dy) with white filling in. */
function augmentInto(src: Uint8Array, j: number, dst: Float32Array, i: number, rng: () => number): void {
  const flip = rng() < 0.5;
  const dx = Math.floor(rng() * 9) - 4;
  const dy = Math.floor(rng() * 9) - 4;
  const o = i * PER;
  for (let y = 0; y < S; y++) {
    const sy = y - dy;
    for (let x = 0; x < S; x++) {
      const sx = (flip ? S - 1 - x : x) - dx;
      const inside = sy >= 0 && sy < S && sx >= 0 && sx < S;
      const s = j * PER + (sy * S + sx) * 3;
      for (let c = 0; c < 3; c++) dst[o + (y * S + x) * 3 + c] = inside ? UNIT[src[s + c]!]! : 1;
    }
  }
}

/** A small strided CNN, no pooling, 128 features before the softmax. */
function build(): tf.LayersModel {
  const input = tf.input({ shape: [S, S, 3] });
  const conv = (filters: number, kernelSize: number) =>
    tf.layers.conv2d({ filters, kernelSize, strides: 2, padding: 'same', activation: 'relu' });
  let x = conv(32, 5).apply(input) as tf.SymbolicTensor;
  x = conv(64, 3).apply(x) as tf.SymbolicTensor;
  x = conv(128, 3).apply(x) as tf.SymbolicTensor;
  x = conv(128, 3).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.3 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 128, activation: 'relu', name: FEATURE_LAYER }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.3 }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: K, activation: 'softmax', name: 'probs' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Predicted category of each image at `indices`. */
function predict(model: tf.LayersModel, pixels: Uint8Array, indices: number[]): Int32Array {
  const out = new Int32Array(indices.length);
  const x = new Float32Array(Math.min(256, indices.length) * PER);
  for (let b = 0; b < indices.length; b += 256) {
    const m = Math.min(256, indices.length - b);
    for (let i = 0; i < m; i++) {
      const s = indices[b + i]! * PER;
      for (let k = 0; k < PER; k++) x[i * PER + k] = UNIT[pixels[s + k]!]!;
    }
    const t = tf.tidy(() =>
      (model.predict(tf.tensor4d(x.subarray(0, m * PER), [m, S, S, 3])) as tf.Tensor).argMax(-1),
    );
    out.set(t.dataSync(), b);
    t.dispose();
  }
  return out;
}

/** Plain accuracy, per-category accuracy and their mean (balanced accuracy). */
function score(model: tf.LayersModel, pixels: Uint8Array, labels: Int32Array, indices: number[]) {
  const pred = predict(model, pixels, indices);
  const hit = new Array<number>(K).fill(0);
  const total = new Array<number>(K).fill(0);
  indices.forEach((j, i) => {
    total[labels[j]!]!++;
    if (pred[i] === labels[j]) hit[labels[j]!]!++;
  });
  const perClass = hit.map((h, c) => h / Math.max(1, total[c]!));
  return {
    accuracy: hit.reduce((a, b) => a + b, 0) / indices.length,
    balanced: perClass.reduce((a, b) => a + b, 0) / K,
    perClass,
  };
}

async function main(): Promise<void> {
  const backend = await initBackend('wasm');
  const data = await loadEmoji({ dataset: 'emoji-all' });
  const pixels = data.values as Uint8Array;
  const labels = data.labels!;
  const rng = seedrandom.alea(`emoji-classifier:${opts.seed}`);
  const { train, test } = split(labels, data.groups, Number(opts.testShare), rng);
  const testBase = test.filter((i) => i === 0 || data.groups[i] !== data.groups[i - 1]);
  const nested = nest(train, labels, data.groups);
  const epochs = Number(opts.epochs);
  const decayEpochs = Number(opts.decayEpochs);
  const batch = 64;
  const steps = Math.floor(train.length / batch);
  const model = build();
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const xb = new Float32Array(batch * PER);
  const yb = new Float32Array(batch);
  const pick = <T>(a: T[]): T => a[Math.floor(rng() * a.length)]!;
  const start = performance.now();
  console.log(
    `backend ${backend}, ${train.length} training images, ${test.length} test images (${testBase.length} emoji)`,
  );
  for (let epoch = 1; epoch <= epochs; epoch++) {
    // Adam's learning rate is a plain field, read at each update (protected in the typings).
    (optimizer as unknown as { learningRate: number }).learningRate =
      epoch > epochs - decayEpochs ? 2e-4 : 1e-3;
    let lossSum = 0;
    for (let s = 0; s < steps; s++) {
      for (let i = 0; i < batch; i++) {
        const c = Math.floor(rng() * K);
        augmentInto(pixels, pick(pick(nested[c]!)), xb, i, rng);
        yb[i] = c;
      }
      const xs = tf.tensor4d(xb, [batch, S, S, 3]);
      const ys = tf.tensor1d(yb);
      lossSum += Number(await model.trainOnBatch(xs, ys));
      tf.dispose([xs, ys]);
    }
    const sec = ((performance.now() - start) / 1000).toFixed(0);
    const t = epoch % 5 === 0 || epoch === epochs ? score(model, pixels, labels, test) : undefined;
    const acc = t
      ? ` test acc ${(t.accuracy * 100).toFixed(1)}% balanced ${(t.balanced * 100).toFixed(1)}%`
      : '';
    console.log(`epoch ${epoch}/${epochs} loss ${(lossSum / steps).toFixed(4)}${acc} (${sec} s)`);
  }
  const t = score(model, pixels, labels, test);
  const tBase = score(model, pixels, labels, testBase);
  const tr = score(model, pixels, labels, train);
  const dir = join(HERE, '..', 'models', opts.name);
  await model.save(new FileModelIO(dir));
  const info: ClassifierInfo & Record<string, unknown> = {
    name: opts.name,
    trainedOn: `emoji-all: Noto Emoji 64x64 from ${EMOJI_PACKAGE}@${EMOJI_VERSION}, 9 categories, skin-tone variants included (${data.count} images; ${train.length} for training)`,
    trainExamples: train.length,
    testAccuracy: t.accuracy,
    trainAccuracy: tr.accuracy,
    testExamples: test.length,
    featureLayer: FEATURE_LAYER,
    classNames: [...EMOJI_CATEGORIES],
    epochs,
    reproduce: `npx tsx scripts/train-emoji-classifier.ts --epochs ${epochs} --decay-epochs ${decayEpochs} --test-share ${opts.testShare} --seed ${opts.seed} --name ${opts.name}`,
    inputShape: [S, S, 3],
    testSplit: `${test.length} images of ${testBase.length} whole emoji (with their skin-tone variants) held out, ${opts.testShare} of each category, seed ${opts.seed}`,
    balancedTestAccuracy: t.balanced,
    testAccuracyPerClass: Object.fromEntries(EMOJI_CATEGORIES.map((c, i) => [c, t.perClass[i]])),
    testAccuracyOneImagePerEmoji: tBase.accuracy,
    trainSeconds: Math.round((performance.now() - start) / 1000),
    license: `trained on ${EMOJI_LICENSE}`,
  };
  writeJsonAtomic(join(dir, 'info.json'), info);
  console.log(
    `test accuracy ${(t.accuracy * 100).toFixed(2)}% (balanced ${(t.balanced * 100).toFixed(2)}%, one image per emoji ${(tBase.accuracy * 100).toFixed(2)}%), train ${(tr.accuracy * 100).toFixed(2)}%; wrote ${dir}`,
  );
}

main().catch((e: unknown) => {
  console.error(`train-emoji-classifier: ${(e as Error).message}`);
  process.exit(1);
});
