/**
 * Trains the evaluator's classifier (the domain network whose features the Fréchet distance, KID and
 * precision/recall are computed in) on a 28x28 IDX training split and writes it to
 * packages/trainer/models/<name>/ with its test accuracy. Run by hand, never by tests:
 *
 *   npx tsx scripts/train-classifier.ts --train-images <train-images.gz> --train-labels <labels.gz> \
 *     [--test-images <gz> --test-labels <gz>] [--epochs 9 --decay-epochs 2] [--name fmnist-classifier-v1]
 *
 * A small CNN; it trains on the wasm backend through GANForge's conv-gradient kernel overrides.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import seedrandom from 'seedrandom';
import { initBackend, tf } from '../src/kernels/backend';
import { FASHION_CLASSES } from '../src/data/datasets';
import { readIdxImages, readIdxLabels } from '../src/data/idx';
import { FileModelIO } from '../src/run/model-io';
import { writeJsonAtomic } from '@ganforge/contracts';
import { CLASSIFIER_INPUT, FEATURE_LAYER, type ClassifierInfo } from '../src/eval/classifier';

const HERE = dirname(fileURLToPath(import.meta.url));
const DATA = join(HERE, '..', 'data', 'fashion-mnist');

const program = new Command()
  .requiredOption('--train-images <path>', 'IDX training images (gzipped or raw)')
  .requiredOption('--train-labels <path>', 'IDX training labels')
  .option('--test-images <path>', 'IDX test images', join(DATA, 't10k-images-idx3-ubyte.gz'))
  .option('--test-labels <path>', 'IDX test labels', join(DATA, 't10k-labels-idx1-ubyte.gz'))
  .option('--epochs <n>', 'training epochs', '9')
  .option('--decay-epochs <n>', 'final epochs at a fifth of the learning rate', '2')
  .option('--seed <n>', 'shuffling/augmentation seed', '1')
  .option('--name <name>', 'evaluator name (folder under models/)', 'fmnist-classifier-v1')
  .option('--dataset-name <text>', 'what it was trained on', 'Fashion-MNIST (60k training split)')
  .parse();
const opts = program.opts<{
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
  epochs: string;
  decayEpochs: string;
  seed: string;
  name: string;
  datasetName: string;
}>();

function toInputs(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  // Same scale as the generators' tanh output.
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 127.5 - 1;
  return out;
}

/** Random horizontal flip: Fashion-MNIST's classes are mirror-symmetric, and it curbs overfitting. */
function augmentInto(src: Float32Array, j: number, dst: Float32Array, i: number, rng: () => number): void {
  const s = src.subarray(j * 784, (j + 1) * 784);
  if (rng() >= 0.5) {
    dst.set(s, i * 784);
    return;
  }
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) dst[i * 784 + y * 28 + x] = s[y * 28 + 27 - x]!;
}

/** A small strided CNN (no pooling: strided convolutions train fast with the wasm kernel overrides). */
function build(): tf.LayersModel {
  const input = tf.input({ shape: [...CLASSIFIER_INPUT] });
  const conv = (filters: number, kernelSize: number) =>
    tf.layers.conv2d({ filters, kernelSize, strides: 2, padding: 'same', activation: 'relu' });
  let x = conv(32, 5).apply(input) as tf.SymbolicTensor;
  x = conv(64, 3).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.3 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 128, activation: 'relu', name: FEATURE_LAYER }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.3 }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: 10, activation: 'softmax', name: 'probs' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function accuracy(model: tf.LayersModel, x: Float32Array, labels: Uint8Array): number {
  let correct = 0;
  const n = labels.length;
  for (let i = 0; i < n; i += 1000) {
    const m = Math.min(1000, n - i);
    const predT = tf.tidy(() => {
      const t = tf.tensor4d(x.subarray(i * 784, (i + m) * 784), [m, 28, 28, 1]);
      return (model.predict(t) as tf.Tensor).argMax(-1);
    });
    // Read outside the tidy: tidy walks a returned typed array element by element.
    const pred = predT.dataSync();
    predT.dispose();
    for (let k = 0; k < m; k++) if (pred[k] === labels[i + k]) correct++;
  }
  return correct / n;
}

async function main(): Promise<void> {
  const backend = await initBackend('wasm');
  const trainImgs = readIdxImages(resolve(opts.trainImages));
  const trainLabels = readIdxLabels(resolve(opts.trainLabels));
  const testImgs = readIdxImages(resolve(opts.testImages));
  const testLabels = readIdxLabels(resolve(opts.testLabels));
  if (trainImgs.rows !== 28 || trainImgs.cols !== 28) throw new Error('expected 28x28 images');
  const xTrain = toInputs(trainImgs.pixels);
  const xTest = toInputs(testImgs.pixels);
  const epochs = Number(opts.epochs);
  const decayEpochs = Number(opts.decayEpochs);
  const batch = 128;
  const rng = seedrandom.alea(`classifier:${opts.seed}`);
  const model = build();
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const n = trainImgs.count;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const xb = new Float32Array(batch * 784);
  const yb = new Float32Array(batch);
  const start = performance.now();
  console.log(`backend ${backend}, ${n} training images, ${testImgs.count} test images`);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    // Step decay for the last epochs sharpens the final accuracy.
    // Adam's learning rate is a plain field, read at each update (protected in the typings).
    (optimizer as unknown as { learningRate: number }).learningRate =
      epoch > epochs - decayEpochs ? 2e-4 : 1e-3;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    let steps = 0;
    for (let b = 0; b + batch <= n; b += batch) {
      for (let i = 0; i < batch; i++) {
        const j = order[b + i]!;
        augmentInto(xTrain, j, xb, i, rng);
        yb[i] = trainLabels[j]!;
      }
      const xs = tf.tensor4d(xb, [batch, 28, 28, 1]);
      const ys = tf.tensor1d(yb);
      lossSum += Number(await model.trainOnBatch(xs, ys));
      xs.dispose();
      ys.dispose();
      steps++;
    }
    const acc = accuracy(model, xTest, testLabels);
    const sec = (performance.now() - start) / 1000;
    console.log(
      `epoch ${epoch}/${epochs} loss ${(lossSum / steps).toFixed(4)} test acc ${(acc * 100).toFixed(2)}% (${sec.toFixed(0)} s)`,
    );
  }
  const testAccuracy = accuracy(model, xTest, testLabels);
  const trainAccuracy = accuracy(model, xTrain, trainLabels);
  const dir = join(HERE, '..', 'models', opts.name);
  await model.save(new FileModelIO(dir));
  const info: ClassifierInfo = {
    name: opts.name,
    trainedOn: opts.datasetName,
    trainExamples: n,
    testAccuracy,
    trainAccuracy,
    testExamples: testImgs.count,
    featureLayer: FEATURE_LAYER,
    classNames: FASHION_CLASSES,
    epochs,
    reproduce: `npx tsx scripts/train-classifier.ts --train-images <train-images-idx3-ubyte.gz> --train-labels <train-labels-idx1-ubyte.gz> --epochs ${epochs} --decay-epochs ${decayEpochs} --seed ${opts.seed} --name ${opts.name}`,
  };
  writeJsonAtomic(join(dir, 'info.json'), info);
  console.log(
    `test accuracy ${(testAccuracy * 100).toFixed(2)}%, train ${(trainAccuracy * 100).toFixed(2)}%; wrote ${dir}`,
  );
}

main().catch((e: unknown) => {
  console.error(`train-classifier: ${(e as Error).message}`);
  process.exit(1);
});
