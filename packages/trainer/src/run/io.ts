/** Reading and writing run directories. Every write is atomic: temp file, fsync, rename. */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import {
  CurvePointSchema,
  MetricsRecordSchema,
  ModelCardSchema,
  RealPointsSchema,
  RunStateSchema,
  RUN_FILES,
  type CurvePoint,
  type MetricsRecord,
  type ModelCard,
  type RunState,
} from './schema';

export class RunDirError extends Error {
  override name = 'RunDirError';
}

/** A file that could not be written, for a reason the user can act on; one line naming the path. */
export class FileWriteError extends Error {
  override name = 'FileWriteError';
  constructor(
    message: string,
    readonly path: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * The error to report for a failed write of `path`: a FileWriteError in words, with the remedy, for the
 * causes a user can fix (disk full, read-only disk, no permission, a file where a folder should be);
 * anything else unchanged.
 */
export function writeFailure(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const say = (message: string) => new FileWriteError(message, path, code ?? '');
  switch (code) {
    case 'ENOSPC':
      return say(`no space left on device writing ${path}: free some space or pass another --out`);
    case 'EDQUOT':
      return say(`disk quota exceeded writing ${path}: free some space or pass another --out`);
    case 'EFBIG':
      return say(
        `file too large for this disk or its size limit (ulimit -f) writing ${path}: pass another --out`,
      );
    case 'EROFS':
      return say(`read-only file system: cannot write ${path}; pass an --out on a writable disk`);
    case 'EACCES':
    case 'EPERM':
      return say(`permission denied writing ${path}: make ${dirname(path)} writable or pass another --out`);
    case 'ENOTDIR':
      return say(`cannot write ${path}: part of that path is a file, not a folder; pass another --out`);
    default:
      return e;
  }
}

/** A file written to its temporary name and fsynced, not yet in place: commit() renames it, discard() drops it. */
export interface StagedFile {
  readonly path: string;
  commit(): void;
  discard(): void;
}

let staged = 0;

/** stageFile's temporary names: `<file>.tmp-<pid>-<ms>-<n>`. */
export const TEMP_NAME = /\.tmp-(\d+)-\d+-\d+$/;

/**
 * Whether `name` is a temporary file a process that no longer runs left behind (killed between its
 * write and its rename). A live writer's files are not leftovers.
 */
export function isLeftoverTemp(name: string): boolean {
  const m = TEMP_NAME.exec(name);
  if (!m) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Cleaning up after a failure must not hide that failure.
  }
}

/**
 * Writes `data` next to `path` under a temporary name and fsyncs it; nothing at `path` changes until
 * commit(). On any failure the temporary file is removed and the error says what to do (writeFailure).
 * Lets a caller put several files in place only once all of them are written.
 */
export function stageFile(path: string, data: string | Uint8Array): StagedFile {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}-${++staged}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    removeQuietly(tmp);
    throw writeFailure(path, e);
  }
  return {
    path,
    commit() {
      try {
        renameSync(tmp, path);
      } catch (e) {
        removeQuietly(tmp);
        throw writeFailure(path, e);
      }
    },
    discard() {
      removeQuietly(tmp);
    },
  };
}

/** Writes bytes to `path` so that readers see either the old file or the whole new one. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  stageFile(path, data).commit();
}

const jsonText = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, jsonText(value));
}

function readJson<T>(path: string, schema: z.ZodType<T>, what: string): T {
  if (!existsSync(path)) throw new RunDirError(`${what} not found: ${path}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RunDirError(`${what} is not valid JSON (${path}): ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new RunDirError(
      `${what} has an unexpected shape (${path}): ${first?.path.join('.')}: ${first?.message}`,
    );
  }
  return parsed.data;
}

/** A handle on one run directory. */
export class RunDir {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }
  get generatorDir(): string {
    return this.path(RUN_FILES.generatorDir);
  }
  get generatorModelJson(): string {
    return this.path(RUN_FILES.generatorDir, 'model.json');
  }
  get onnxPath(): string {
    return this.path(RUN_FILES.onnx);
  }

  /** Throws a RunDirError that says what to do when this is not a usable run directory. */
  assertHasGenerator(): void {
    if (!existsSync(this.root)) {
      throw new RunDirError(
        `run directory not found: ${this.root} (train one with: npx nx run trainer:train, or pass --run <dir>)`,
      );
    }
    if (!existsSync(this.generatorModelJson)) {
      throw new RunDirError(
        `no generator in ${this.root}: expected ${RUN_FILES.generatorDir}/model.json (is this a GANForge run directory? did training finish its first epoch?)`,
      );
    }
  }

  readState(): RunState {
    return readJson(this.path(RUN_FILES.state), RunStateSchema, 'state.json');
  }
  writeState(state: RunState): void {
    writeJsonAtomic(this.path(RUN_FILES.state), state);
  }
  readModelCard(): ModelCard {
    return readJson(this.path(RUN_FILES.modelCard), ModelCardSchema, 'model-card.json');
  }
  writeModelCard(card: ModelCard): void {
    this.stageModelCard(card).commit();
  }
  /** The card written under a temporary name, for a caller that puts it in place with other files. */
  stageModelCard(card: ModelCard): StagedFile {
    return stageFile(this.path(RUN_FILES.modelCard), jsonText(ModelCardSchema.parse(card)));
  }
  readRealPoints(): [number, number][] {
    return readJson(this.path(RUN_FILES.realPoints), RealPointsSchema, 'real-points.json').points;
  }
  writeRealPoints(points: [number, number][]): void {
    writeJsonAtomic(this.path(RUN_FILES.realPoints), { points });
  }
  readConfig(): Record<string, unknown> {
    const raw: unknown = JSON.parse(readFileSync(this.path(RUN_FILES.config), 'utf8'));
    if (typeof raw !== 'object' || raw === null) throw new RunDirError('config.json is not an object');
    return raw as Record<string, unknown>;
  }
  writeConfig(config: object): void {
    writeJsonAtomic(this.path(RUN_FILES.config), config);
  }

  /** Appends one line; a line is small enough that a crash leaves at most a truncated last line. */
  async appendMetrics(record: MetricsRecord): Promise<void> {
    mkdirSync(this.root, { recursive: true });
    await appendFile(this.path(RUN_FILES.metrics), JSON.stringify(MetricsRecordSchema.parse(record)) + '\n');
  }
  /** Rewrites metrics.jsonl with `records` (a resume drops what came after its checkpoint). */
  writeMetrics(records: MetricsRecord[]): void {
    writeFileAtomic(this.path(RUN_FILES.metrics), records.map((r) => JSON.stringify(r) + '\n').join(''));
  }
  /** Reads metrics.jsonl, skipping a truncated last line left by a crash. */
  readMetrics(): MetricsRecord[] {
    return readJsonLines(this.path(RUN_FILES.metrics), MetricsRecordSchema);
  }
  /** Reads curve.jsonl (per-step figures) the same way. */
  readCurve(): CurvePoint[] {
    return readJsonLines(this.path(RUN_FILES.curve), CurvePointSchema);
  }
}

/** The records of a JSON-lines file that match `schema`; a missing file is empty, a partial line is skipped. */
function readJsonLines<T>(path: string, schema: z.ZodType<T>): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = schema.safeParse(JSON.parse(line));
      if (r.success) out.push(r.data);
    } catch {
      // a partial line from an interrupted write
    }
  }
  return out;
}
