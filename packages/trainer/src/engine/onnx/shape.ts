/** Shapes of one example as the compiled graphs see them. */

/** One example: [F] features or an image ([C, H, W] in the graphs, [H, W, C] in TF.js). */
export type ExampleShape = [number] | [number, number, number];

/** `shape` as an ExampleShape; undefined for other ranks and unknown sizes. */
export function exampleShape(shape: readonly unknown[]): ExampleShape | undefined {
  const [a, b, c] = shape;
  if (shape.length === 1 && typeof a === 'number') return [a];
  if (shape.length === 3 && typeof a === 'number' && typeof b === 'number' && typeof c === 'number') {
    return [a, b, c];
  }
  return undefined;
}

/** The number of elements of a tensor of `shape`. */
export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
