/**
 * A points file as a 2-D dataset: `.json` (an array of [x, y] rows, or `{ "points": [[x, y], ...] }` as
 * real-points.json and the playground's drawn points are written) or `.csv` (one `x,y` row a line; a
 * header line of names is skipped). The rows are the training examples as they are, in file order.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { DatasetError } from './idx';

/** Fewest rows a points file may hold (a distribution needs more than one point). */
export const MIN_FILE_POINTS = 2;

function checkRows(rows: unknown[], path: string): Float32Array {
  if (rows.length < MIN_FILE_POINTS) {
    throw new DatasetError(
      `${path} holds ${rows.length} point${rows.length === 1 ? '' : 's'}: a points file needs at least ${MIN_FILE_POINTS} [x, y] rows`,
    );
  }
  const out = new Float32Array(rows.length * 2);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== 2) {
      const got = Array.isArray(row) ? `${row.length} values` : JSON.stringify(row);
      throw new DatasetError(`${path}: row ${i + 1} is ${got}; each row must be two numbers [x, y]`);
    }
    row.forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new DatasetError(
          `${path}: row ${i + 1} has ${JSON.stringify(v)} for ${k === 0 ? 'x' : 'y'}; coordinates must be finite numbers`,
        );
      }
      out[2 * i + k] = v;
    });
  });
  return out;
}

/** The rows of a JSON points file, row-major (x0, y0, x1, y1, ...). */
export function parsePointsJson(text: string, path: string): Float32Array {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${path} is not valid JSON (${(e as Error).message})`);
  }
  const rows =
    raw && typeof raw === 'object' && !Array.isArray(raw) && 'points' in raw
      ? (raw as { points: unknown }).points
      : raw;
  if (!Array.isArray(rows)) {
    throw new DatasetError(
      `${path} must hold an array of [x, y] rows, or { "points": [[x, y], ...] }; got ${raw === null ? 'null' : typeof raw}`,
    );
  }
  return checkRows(rows, path);
}

/** The rows of a CSV points file: two numbers a line (comma, semicolon, tab or spaces between). */
export function parsePointsCsv(text: string, path: string): Float32Array {
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ n: i + 1, text: l.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  const cells = (s: string) => s.split(/\s*[,;\t]\s*|\s+/);
  // A first line without a single number is a header (x,y).
  if (lines.length > 0 && cells(lines[0]!.text).every((c) => c === '' || !Number.isFinite(Number(c)))) {
    lines.shift();
  }
  const rows = lines.map(({ n, text: line }) => {
    const parts = cells(line);
    if (parts.length !== 2) {
      throw new DatasetError(
        `${path}: line ${n} has ${parts.length} value${parts.length === 1 ? '' : 's'} ("${line}"); each line must be x,y`,
      );
    }
    return parts.map((c) => {
      const v = Number(c);
      if (c === '' || !Number.isFinite(v)) {
        throw new DatasetError(`${path}: line ${n} has "${c}", which is not a number ("${line}")`);
      }
      return v;
    });
  });
  return checkRows(rows, path);
}

/** Reads a .json or .csv points file (an absolute path). */
export function readPointsFile(path: string): Float32Array {
  if (!existsSync(path)) throw new DatasetError(`points file ${path} does not exist`);
  if (!statSync(path).isFile()) throw new DatasetError(`points file ${path} is not a file`);
  const text = readFileSync(path, 'utf8');
  return extname(path).toLowerCase() === '.csv' ? parsePointsCsv(text, path) : parsePointsJson(text, path);
}
