/**
 * The evaluator's class coverage in the worker: the trainer's Fashion-MNIST classifier
 * (packages/trainer/models/fmnist-classifier-v1, 420k weights, 91% test accuracy) loaded from the site's
 * assets, and the trainer's classCoverage rule: a class counts as covered when at least a quarter of its
 * uniform share of the samples is classed in it.
 */
import { classCoverage, tf, type ClassCoverage } from '@ganforge/trainer/browser';
import artifacts from '@ganforge/trainer/models/fmnist-classifier-v1/model.json';
import weightsUrl from '@ganforge/trainer/models/fmnist-classifier-v1/weights.bin?url';

const WEIGHTS_URL = new URL(weightsUrl, import.meta.url);

/**
 * The top probability a prediction needs to count in the confident reading. The classifier sorts an
 * untrained generator's noise into "Bag" with a top probability of 0.63 to 0.70 (DCGAN-28 and the MLP GAN,
 * seeds 1 to 3): 0.8 leaves that out.
 */
export const CONFIDENT = 0.8;

/** The evaluator's coverage, how many samples it read, and the same rule over confident predictions. */
export type Coverage = ClassCoverage & {
  count: number;
  confident: { threshold: number; histogram: number[]; classesPresent: number; count: number };
};

/**
 * The coverage rule over the predictions whose top probability is at least `threshold`: an unsure image
 * counts for no class, while the class's share is still taken of all `count` images.
 */
export function confidentCoverage(
  probs: ArrayLike<number>,
  count: number,
  classes: number,
  threshold = CONFIDENT,
): Coverage['confident'] {
  const histogram = new Array<number>(classes).fill(0);
  let sure = 0;
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    if (probs[i * classes + best]! >= threshold) {
      histogram[best]!++;
      sure++;
    }
  }
  const share = count / classes / 4;
  return {
    threshold,
    histogram,
    classesPresent: histogram.filter((h) => h > 0 && h >= share).length,
    count: sure,
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
    const p = await probs.data();
    return { ...classCoverage(p, count, classes), count, confident: confidentCoverage(p, count, classes) };
  } finally {
    probs.dispose();
  }
}
