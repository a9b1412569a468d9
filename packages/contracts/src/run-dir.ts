/** A handle on one run directory: every package reads and writes run files through it. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { UserError } from './errors';
import {
  jsonText,
  readJsonLines,
  stageFile,
  writeFailure,
  writeFileAtomic,
  writeJsonAtomic,
  type StagedFile,
} from './io';
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

/** A run directory, or one of its files, missing or not as its schema says; the message names the file. */
export class RunDirError extends UserError {
  override name = 'RunDirError';
}

/** A JSON run file checked against its schema, or a RunDirError naming the file and what is wrong. */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, what: string): T {
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

/** Part of a model card: the sections one writer owns (the exporter writes only `export`). */
export type ModelCardUpdate = Partial<ModelCard>;

/**
 * The card a write leaves on disk: the sections `update` carries replace those of the card on disk,
 * the others stay. So the trainer rewriting its card (each epoch, or after a resume) keeps the
 * exporter's `export` section, and an export keeps everything the trainer wrote.
 */
export function mergeModelCard(onDisk: ModelCard | undefined, update: ModelCardUpdate): ModelCard {
  const merged: Record<string, unknown> = { ...onDisk };
  for (const [key, value] of Object.entries(update)) if (value !== undefined) merged[key] = value;
  const parsed = ModelCardSchema.safeParse(merged);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new RunDirError(
      `model-card.json would be incomplete: ${first?.path.join('.')}: ${first?.message}${onDisk ? '' : ' (there is no card to add this section to: train the run first)'}`,
    );
  }
  return parsed.data;
}

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
  get modelCardPath(): string {
    return this.path(RUN_FILES.modelCard);
  }

  /** Throws a RunDirError that says what to do when this is not a usable run directory. */
  assertHasGenerator(): void {
    if (!existsSync(this.root)) {
      throw new RunDirError(
        `run directory not found: ${this.root} (train one with: npx ganforge train, or pass --run <dir>)`,
      );
    }
    if (!existsSync(this.generatorModelJson)) {
      throw new RunDirError(
        `no generator in ${this.root}: expected ${RUN_FILES.generatorDir}/model.json (is this a GANForge run directory? did training finish its first epoch?)`,
      );
    }
  }

  readState(): RunState {
    return readJsonFile(this.path(RUN_FILES.state), RunStateSchema, 'state.json');
  }
  writeState(state: RunState): void {
    writeJsonAtomic(this.path(RUN_FILES.state), state);
  }

  hasModelCard(): boolean {
    return existsSync(this.modelCardPath);
  }
  readModelCard(): ModelCard {
    return readJsonFile(this.modelCardPath, ModelCardSchema, 'model-card.json');
  }
  /** Writes the sections `update` carries and keeps the card's others (see mergeModelCard). */
  writeModelCard(update: ModelCardUpdate): ModelCard {
    const staged = this.stageModelCard(update);
    staged.file.commit();
    return staged.card;
  }
  /** The merged card written under a temporary name, for a caller that puts it in place with other files. */
  stageModelCard(update: ModelCardUpdate): { card: ModelCard; file: StagedFile } {
    const card = mergeModelCard(this.cardToMergeInto(update), update);
    return { card, file: stageFile(this.modelCardPath, jsonText(card)) };
  }
  /**
   * The card on disk, when there is one. A damaged card is replaced by a whole new card (the trainer's)
   * but cannot take a single section: that would lose what the card said.
   */
  private cardToMergeInto(update: ModelCardUpdate): ModelCard | undefined {
    if (!this.hasModelCard()) return undefined;
    try {
      return this.readModelCard();
    } catch (e) {
      if (ModelCardSchema.safeParse(update).success) return undefined;
      throw e;
    }
  }

  readRealPoints(): [number, number][] {
    return readJsonFile(this.path(RUN_FILES.realPoints), RealPointsSchema, 'real-points.json').points;
  }
  writeRealPoints(points: [number, number][]): void {
    writeJsonAtomic(this.path(RUN_FILES.realPoints), { points });
  }
  readConfig(): Record<string, unknown> {
    const path = this.path(RUN_FILES.config);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new RunDirError(`config.json cannot be read (${path}): ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new RunDirError(`config.json is not a JSON object (${path})`);
    return raw as Record<string, unknown>;
  }
  writeConfig(config: object): void {
    writeJsonAtomic(this.path(RUN_FILES.config), config);
  }

  /** Appends one line; a line is small enough that a crash leaves at most a truncated last line. */
  async appendMetrics(record: MetricsRecord): Promise<void> {
    const path = this.path(RUN_FILES.metrics);
    const line = JSON.stringify(MetricsRecordSchema.parse(record)) + '\n';
    try {
      mkdirSync(this.root, { recursive: true });
      await appendFile(path, line);
    } catch (e) {
      throw writeFailure(path, e);
    }
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
