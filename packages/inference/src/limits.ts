/**
 * The SDK's size limits, checked before anything is allocated or run, so that a request too large
 * fails at once in one line instead of as a RangeError, an out-of-memory crash, or minutes later.
 */
import { InvalidArgumentError } from './errors';

/**
 * Largest number of float values one sample() call may produce per array (latents, output, pixels):
 * 2^26 floats = 256 MiB. Beyond that a typed array allocation can fail or take the process down.
 */
export const MAX_VALUES_PER_CALL = 2 ** 26;

/** Largest side of one image the SDK draws or writes: 16383, WebP's limit (and sharp's default). */
export const MAX_IMAGE_SIDE = 16383;

/**
 * Largest image (a grid of samples, a scatter plot) the SDK makes: 16383 x 16383 = 268,402,689 pixels,
 * sharp's default pixel limit; about a gigabyte of 8-bit RGBA, and more than a browser canvas holds.
 */
export const MAX_IMAGE_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE;

/** Throws unless `count * per` values (a latent array of count samples, say) fit one call. */
export function checkValues(count: number, per: number, what: string): void {
  if (count * per > MAX_VALUES_PER_CALL) {
    throw new InvalidArgumentError(
      `${what} = ${count * per} values is over the limit of ${MAX_VALUES_PER_CALL} values per call; ask for fewer`,
    );
  }
}
