/** Reading an ONNX ValueInfo's type and shape, and checking shapes given as options. */
import { InvalidArgumentError } from './errors';
import type { ValueInfo } from './onnx';

/** A dimension: a size, or the name of a symbolic one. */
export type Dim = number | string;

export function elemType(v: ValueInfo): number | undefined {
  return v.type?.tensorType?.elemType;
}

export function dims(v: ValueInfo): Dim[] {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimValue ?? d.dimParam ?? '?');
}

export function describe(v: ValueInfo): string {
  const d = dims(v);
  return `[${d.map((x, i) => (i === 0 && typeof x !== 'number' ? 'N' : String(x))).join(',')}]`;
}

export function isKnown(shape: Dim[]): shape is number[] {
  return shape.every((d) => typeof d === 'number' && d > 0);
}

export function sameShape(a: Dim[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function product(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

export function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${n}`);
  return n;
}

export function positiveInts(shape: number[], name: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InvalidArgumentError(
      `${name} must be a non-empty array of positive integers, got ${JSON.stringify(shape)}`,
    );
  }
  return [...shape];
}

export function range(r: [number, number]): [number, number] {
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] < r[1])
  ) {
    throw new InvalidArgumentError(`outputRange must be [lo, hi] with lo < hi, got ${JSON.stringify(r)}`);
  }
  return [r[0], r[1]];
}
