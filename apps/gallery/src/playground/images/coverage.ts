/**
 * The evaluator's class coverage in the worker: the trainer's Fashion-MNIST classifier
 * (packages/trainer/models/fmnist-classifier-v1, 420k weights, 91% test accuracy) loaded from the site's
 * assets, and the trainer's classCoverage rule (coverage.test.ts checks it against the trainer's):
 * a class counts as covered when at least a quarter of its uniform share of the samples is classed in it.
 */
import { tf } from '@ganforge/trainer/browser';
import artifacts from '../../../../../packages/trainer/models/fmnist-classifier-v1/model.json';

const WEIGHTS_URL = new URL(
  '../../../../../packages/trainer/models/fmnist-classifier-v1/weights.bin',
  import.meta.url,
);

export interface Coverage {
  /** Samples per predicted class (argmax). */
  histogram: number[];
  classesPresent: number;
  classes: number;
  /** Samples classified. */
  count: number;
}

/** The trainer's classCoverage (src/eval/metrics.ts) on N x K probabilities. */
export function classCoverage(probs: ArrayLike<number>, count: number, classes: number): Coverage {
  const histogram = new Array<number>(classes).fill(0);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    histogram[best]!++;
  }
  const threshold = count / classes / 4;
  return {
    histogram,
    classesPresent: histogram.filter((h) => h >= threshold && h > 0).length,
    classes,
    count,
  };
}

let loading: Promise<tf.LayersModel> | undefined;

/** The classifier, loaded once per worker. */
export function classifier(): Promise<tf.LayersModel> {
  loading ??= (async () => {
    const res = await fetch(WEIGHTS_URL);
    if (!res.ok)
      throw new Error(`could not load the classifier (${WEIGHTS_URL.pathname}: HTTP ${res.status})`);
    const weightData = await res.arrayBuffer();
    return tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: artifacts.modelTopology as unknown as tf.io.ModelJSON['modelTopology'],
        weightSpecs: artifacts.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData,
      }),
    );
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

/** Class coverage of `count` images in [-1, 1] (N x 28 x 28 x 1). */
export async function coverageOf(images: tf.Tensor4D): Promise<Coverage> {
  const net = await classifier();
  const probs = tf.tidy(() => net.predict(images) as tf.Tensor);
  try {
    const [count, classes] = probs.shape as [number, number];
    return classCoverage(await probs.data(), count, classes);
  } finally {
    probs.dispose();
  }
}
