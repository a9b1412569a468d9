/**
 * What a run folder may hold: the files and folders of the run-directory contract (schema.ts) and the
 * temporaries of their atomic writes, nothing else. `train --overwrite` replaces a folder's run only when
 * this is all there is, so that a file of the user's in that folder is never deleted with it.
 */
import { readdirSync, rmSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { TEMP_NAME } from './io';
import { CHECKPOINT_FILES, RUN_FILES } from './schema';

interface Rule {
  name: string | RegExp;
  /** A folder's rules for what it holds; absent for a file. */
  holds?: Rule[];
}

const file = (name: string | RegExp): Rule => ({ name });
const folder = (name: string | RegExp, holds: Rule[]): Rule => ({ name, holds });
const MODEL = [file('model.json'), file('weights.bin')];

const CHECKPOINT: Rule[] = [
  folder(RUN_FILES.generatorDir, MODEL),
  folder(RUN_FILES.discriminatorDir, MODEL),
  folder(CHECKPOINT_FILES.emaGeneratorDir, MODEL),
  file(CHECKPOINT_FILES.optimizerJson),
  file(CHECKPOINT_FILES.optimizerBin),
  file(CHECKPOINT_FILES.optimizerPowers),
];

/** The run directory, as schema.ts describes it. */
const RUN: Rule[] = [
  file(RUN_FILES.config),
  file(RUN_FILES.state),
  folder(RUN_FILES.generatorDir, MODEL),
  folder(RUN_FILES.discriminatorDir, MODEL),
  folder(RUN_FILES.samplesDir, [file(/^epoch-\d{4,}\.png$/)]),
  file(RUN_FILES.metrics),
  file(RUN_FILES.realPoints),
  file(RUN_FILES.modelCard),
  file(RUN_FILES.onnx),
  file(RUN_FILES.losses),
  file(RUN_FILES.curve),
  folder(RUN_FILES.checkpointDir, [file(RUN_FILES.checkpointLatest), folder(/^step-\d{9,}$/, CHECKPOINT)]),
  file(RUN_FILES.lock),
];

const named = (rule: Rule, name: string) =>
  typeof rule.name === 'string' ? rule.name === name : rule.name.test(name);

/** The rule an entry falls under: a folder (not a link) or file of the contract, or a file's temporary. */
function ruleOf(entry: Dirent, rules: Rule[]): Rule | undefined {
  if (entry.isDirectory()) return rules.find((r) => r.holds && named(r, entry.name));
  if (!entry.isFile()) return undefined;
  const base = entry.name.replace(TEMP_NAME, '');
  return rules.find((r) => !r.holds && named(r, base));
}

function collect(dir: string, rules: Rule[], rel: string, out: string[], max: number): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (out.length >= max) return;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    const rule = ruleOf(entry, rules);
    if (!rule) out.push(entry.isDirectory() ? `${path}/` : path);
    else if (rule.holds) collect(join(dir, entry.name), rule.holds, path, out, max);
  }
}

/** Up to `max` entries of the run folder `root` (relative paths, folders ending in /) that are no part of a run. */
export function foreignEntries(root: string, max = 5): string[] {
  const out: string[] = [];
  collect(root, RUN, '', out, max);
  return out;
}

/** Removes the run's files and folders from `root`, keeping its lock and anything that is no part of a run. */
export function removeRunEntries(root: string): void {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.name === RUN_FILES.lock) continue;
    if (ruleOf(entry, RUN)) rmSync(join(root, entry.name), { recursive: true, force: true });
  }
}
