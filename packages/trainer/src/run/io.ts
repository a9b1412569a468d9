/** Reading and writing run directories. Every write is atomic: temp file, fsync, rename. */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import {
  MetricsRecordSchema,
  ModelCardSchema,
  RealPointsSchema,
  RunStateSchema,
  RUN_FILES,
  type MetricsRecord,
  type ModelCard,
  type RunState,
} from './schema';

export class RunDirError extends Error {
  override name = 'RunDirError';
}

/** Writes bytes to `path` so that readers see either the old file or the whole new one. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
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
    writeJsonAtomic(this.path(RUN_FILES.modelCard), ModelCardSchema.parse(card));
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
  /** Reads metrics.jsonl, skipping a truncated last line left by a crash. */
  readMetrics(): MetricsRecord[] {
    const p = this.path(RUN_FILES.metrics);
    if (!existsSync(p)) return [];
    const out: MetricsRecord[] = [];
    for (const line of readFileSync(p, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = MetricsRecordSchema.safeParse(JSON.parse(line));
        if (r.success) out.push(r.data);
      } catch {
        // a partial line from an interrupted write
      }
    }
    return out;
  }
}
