/**
 * The pictures of a run: a fixed-noise grid per epoch (one row per class for conditional models) or,
 * for 2-D data, real vs generated points; and the d2l mean/covariance read-out at the end.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config';
import type { Dataset } from '../data/types';
import { gaussianEstimate, type GaussianEstimate } from '../eval/estimate';
import { imageGridPng, scatterPng } from './plots';
import { RUN_FILES, type RunDir, sampleFileName, writeFileAtomic } from '@ganforge/contracts';

const GRID_SAMPLES = 64;
const GRID_COLS_PER_CLASS = 10;
const SCATTER_POINTS = 1000;

export class SampleWriter {
  private readonly z: tfTypes.Tensor;
  private readonly labels?: tfTypes.Tensor;
  private readonly cols: number;
  private readonly count: number;
  /** 2-D runs: the first training points, drawn behind the generated ones. */
  readonly realPoints?: Float32Array;

  constructor(
    private readonly tf: typeof tfTypes,
    private readonly config: TrainConfig,
    private readonly data: Dataset,
  ) {
    const numClasses = data.classNames?.length ?? 0;
    const conditional = config.conditional;
    this.cols = conditional ? GRID_COLS_PER_CLASS : Math.ceil(Math.sqrt(GRID_SAMPLES));
    this.count = conditional ? numClasses * GRID_COLS_PER_CLASS : GRID_SAMPLES;
    const L = config.latentDim;
    const seed = config.seed + 7;
    this.z = tf.tidy(() => {
      if (data.kind === 'points') return tf.randomNormal([SCATTER_POINTS, L], 0, 1, 'float32', seed);
      // The same noise in every row, so rows differ only by class.
      return conditional
        ? tf.tile(tf.randomNormal([this.cols, L], 0, 1, 'float32', seed), [numClasses, 1])
        : tf.randomNormal([this.count, L], 0, 1, 'float32', seed);
    });
    if (conditional) {
      this.labels = tf.tensor2d(
        Int32Array.from({ length: this.count }, (_, i) => Math.floor(i / this.cols)),
        [this.count, 1],
        'int32',
      );
    }
    if (data.kind === 'points') {
      const shown = Int32Array.from({ length: Math.min(SCATTER_POINTS, data.count) }, (_, i) => i);
      this.realPoints = new Float32Array(shown.length * 2);
      data.examples.read(shown, this.realPoints);
    }
  }

  /** The real points as pairs, for real-points.json. */
  realPairs(): [number, number][] | undefined {
    const p = this.realPoints;
    return p ? Array.from({ length: p.length / 2 }, (_, i) => [p[2 * i]!, p[2 * i + 1]!]) : undefined;
  }

  /** Writes samples/epoch-NNNN.png; returns false when G's output holds NaN/Inf (nothing written). */
  async write(run: RunDir, generator: tfTypes.LayersModel, epoch: number): Promise<boolean> {
    const { tf } = this;
    const out = tf.tidy(
      () => generator.predict(this.labels ? [this.z, this.labels] : this.z) as tfTypes.Tensor,
    );
    const values = (await out.data()) as Float32Array;
    out.dispose();
    if (!values.every(Number.isFinite)) return false;
    const shape = this.data.imageShape;
    const png = shape
      ? await imageGridPng(values, this.count, shape[0], shape[1], shape[2], [-1, 1], 2, this.cols)
      : await scatterPng(this.realPoints!, values, `epoch ${epoch}: real vs generated`);
    writeFileAtomic(run.path(RUN_FILES.samplesDir, sampleFileName(epoch)), png);
    return true;
  }

  /** The d2l read-out: mean and covariance of `config.evalSamples` generated points. */
  async estimate(generator: tfTypes.LayersModel): Promise<GaussianEstimate> {
    const { tf, config } = this;
    const z = tf.randomNormal([config.evalSamples, config.latentDim], 0, 1, 'float32', config.seed + 11);
    const pts = generator.predict(z) as tfTypes.Tensor;
    const est = gaussianEstimate((await pts.data()) as Float32Array);
    tf.dispose([z, pts]);
    return est;
  }

  dispose(): void {
    this.tf.dispose([this.z, ...(this.labels ? [this.labels] : [])]);
  }
}
