/**
 * What the commands check once the model is loaded and before it runs: that the samples (or steps)
 * fit one call, and that the grid or scatter plot they make fits one image of the chosen format. Each
 * problem is one line naming the flag and the limit, and what would fit.
 */
import { extname } from 'node:path';
import { InferenceError, MAX_IMAGE_SIDE, MAX_VALUES_PER_CALL } from '../node';
import type { GeneratorInfo } from '../node';
import { gridSize, imageSizeProblem } from '../images';
import { formatFromPath, MAX_SIDE } from '../node-images';

/** Scatter plots are 480 px a side times --scale. */
export const SCATTER_SIZE = 480;

export interface SizeRequest {
  /** --count or --steps, and its value. */
  flag: '--count' | '--steps';
  count: number;
  out: string;
  scale: number | undefined;
  padding: number;
  /** --columns as given; interpolate lays its steps out in one row without it. */
  columns: number | undefined;
  oneRow: boolean;
}

/** Small images (28 px) are enlarged to about 96 px unless --scale says otherwise. */
export function defaultScale(width: number, height: number): number {
  return Math.max(1, Math.ceil(96 / Math.max(width, height)));
}

/** The largest n in [1, hi] with fits(n) (fits is monotone: true up to some n), or 0. */
function largest(hi: number, fits: (n: number) => boolean): number {
  let [lo, top] = [0, hi];
  while (lo < top) {
    const mid = Math.ceil((lo + top) / 2);
    if (fits(mid)) lo = mid;
    else top = mid - 1;
  }
  return lo;
}

/** Throws an InferenceError naming the flag when the request cannot be made in one call and one image. */
export function checkSizes(info: GeneratorInfo, req: SizeRequest): void {
  if (req.count > info.maxCount) {
    const per = Math.max(
      info.latentDim,
      info.image ? info.image.width * info.image.height * info.image.channels : (info.pointDims ?? 1),
    );
    throw new InferenceError(
      `${req.flag} ${req.count} is too large for one call: at most ${info.maxCount} samples fit this model (a call holds at most ${MAX_VALUES_PER_CALL} values, ${per} per sample)`,
    );
  }
  const ext = extname(req.out).toLowerCase();
  if (!info.image) {
    if (ext === '.csv' || ext === '.json') return;
    const size = SCATTER_SIZE * (req.scale ?? 1);
    if (size > MAX_IMAGE_SIDE) {
      throw new InferenceError(
        `--scale ${req.scale} makes a scatter plot of ${size} x ${size} pixels, over the largest side of ${MAX_IMAGE_SIDE}: use --scale ${Math.floor(MAX_IMAGE_SIDE / SCATTER_SIZE)} or less`,
      );
    }
    return;
  }
  checkGrid(info.image, req, MAX_SIDE[formatFromPath(req.out)], ext);
}

function checkGrid(
  image: { width: number; height: number },
  req: SizeRequest,
  maxSide: number,
  ext: string,
): void {
  const { width: w, height: h } = image;
  const scale = req.scale ?? defaultScale(w, h);
  const problemAt = (count: number, s: number) => {
    const columns = req.columns ?? (req.oneRow ? count : undefined);
    const size = gridSize(count, w, h, { padding: req.padding, scale: s, ...(columns ? { columns } : {}) });
    const problem = imageSizeProblem(size.width, size.height, maxSide);
    return (
      problem && {
        size,
        problem: problem.startsWith('over the largest side') ? `${problem} of a ${ext} image` : problem,
      }
    );
  };
  const found = problemAt(req.count, scale);
  if (!found) return;
  const grid = `a grid of ${found.size.width} x ${found.size.height} pixels, ${found.problem}`;
  const fitting = largest(req.count, (n) => !problemAt(n, scale));
  if (req.scale !== undefined && (fitting === 0 || !problemAt(req.count, 1))) {
    const most = largest(scale, (s) => !problemAt(req.count, s));
    throw new InferenceError(
      `--scale ${scale} makes ${grid}: ${most ? `use --scale ${most} or less` : `lower ${req.flag}`}`,
    );
  }
  const columnsHint = req.oneRow && req.columns === undefined ? ', or pass --columns' : '';
  throw new InferenceError(
    `${req.flag} ${req.count} at --scale ${scale} makes ${grid}: at most ${fitting} images fit at --scale ${scale} (lower ${req.flag} or --scale${columnsHint})`,
  );
}
