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

/** The evaluator's coverage, and how many samples it read. */
export type Coverage = ClassCoverage & { count: number };

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
    return { ...classCoverage(await probs.data(), count, classes), count };
  } finally {
    probs.dispose();
  }
}
