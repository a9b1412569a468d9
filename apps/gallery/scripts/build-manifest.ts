/**
 * Copies every run (runs/<name>/ with a model card; its generator.onnx once exported) into
 * public/models/<name>/ and writes public/models/manifest.json for the site. public/models/ is
 * generated: it is rebuilt from scratch. scripts/serve.ts serves the same plan live, without copying.
 *
 *   tsx scripts/build-manifest.ts [--runs <dir>] [--out <dir>]
 */
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import {
  CurvePointSchema,
  FileWriteError,
  readJsonLines,
  RUN_FILES,
  RunDir,
  RunDirError,
  writeJsonAtomic,
  type MetricsRecord,
  type RunState,
} from '@ganforge/contracts';
import { resolveConfig } from '@ganforge/trainer/config';
import { MANIFEST_FILE, MANIFEST_VERSION, type Manifest, type ManifestRun } from '../src/manifest';

const appDir = resolve(fileURLToPath(import.meta.url), '../..');
const METRICS_JSON = 'metrics.json';
const CURVE_JSON = 'curve.json';

export class ManifestError extends Error {
  override name = 'ManifestError';
}

export interface BuildManifestOptions {
  runsDir: string;
  outDir: string;
  /** Receives one line per run that was skipped and why. */
  warn?: (message: string) => void;
}

// Folder names become URL path segments and file names; keep to a conservative set.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A file of the run, as it may be copied into the site: a regular file (not a link, folder or device)
 * whose real path lies inside the run folder. Run folders come from others (shared archives, downloads),
 * so `samples/epoch-0099.png -> /etc/passwd` must not end up served. Null when there is no such entry.
 */
function runFile(runRoot: string, rel: string): { path: string } | { refused: string } | null {
  const path = join(runRoot, rel);
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  if (st.isSymbolicLink()) return { refused: `${rel} is a symbolic link` };
  if (!st.isFile()) return { refused: `${rel} is not a regular file` };
  // A hard link is the same file as one elsewhere (`ln /etc/passwd samples/x.png`); nothing tells which
  // name is the run's own, so a file with other names is refused. GANForge writes every run file anew
  // (temporary file, rename), so its own files have one name.
  if (st.nlink > 1) return { refused: `${rel} has other hard links (copy it to give the run its own file)` };
  // The entry itself is no link, but a folder on the way to it may be one (samples -> /etc).
  const real = realpathSync(path);
  if (!real.startsWith(realpathSync(runRoot) + sep)) return { refused: `${rel} lies outside the run folder` };
  return { path: real };
}

/** Whether anything (a file, a link, even a dangling one) is at `path`. */
function hasEntry(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const ONLY_FILES = 'only regular files inside the run folder are copied';

/** One file the site serves for a run (its path under models/ is the key): a run file, or JSON made from one. */
export type SiteFile = { from: string } | { json: unknown };

/** A run as the site sees it, and the files behind it. */
export interface RunPlan {
  run: ManifestRun;
  files: Map<string, SiteFile>;
}

/** config.json's keys that differ from what the run's preset alone resolves to (the where, `out`, left out). */
export function overridesOf(config: Record<string, unknown> | null): Record<string, unknown> {
  if (!config || typeof config['preset'] !== 'string') return {};
  let base: Record<string, unknown>;
  try {
    base = resolveConfig({ preset: config['preset'] });
  } catch {
    return {}; // a preset this version does not have: nothing to compare with
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'out' || key === 'preset' || value === undefined) continue;
    if (JSON.stringify(value) !== JSON.stringify(base[key])) out[key] = value;
  }
  return out;
}

function readState(run: RunDir): RunState | null {
  try {
    return run.readState();
  } catch {
    return null;
  }
}

function readConfig(run: RunDir): Record<string, unknown> | null {
  try {
    return run.readConfig();
  } catch {
    return null;
  }
}

/**
 * What the site shows of one run and where each file comes from. A run counts once its first epoch has
 * written the model card; its generator.onnx (the exporter's) is optional, so a run still training shows.
 */
export function planRun(name: string, runsDir: string, warn: (m: string) => void): RunPlan {
  const root = join(runsDir, name);
  if (lstatSync(root, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new RunDirError(`its folder is a symbolic link; copy the run into ${runsDir} to show it`);
  }
  const files = new Map<string, SiteFile>();
  const required = (rel: string): string => {
    const f = runFile(root, rel);
    if (f === null) throw new RunDirError(`${rel} not found in ${root}`);
    if ('refused' in f) throw new RunDirError(`${f.refused}; ${ONLY_FILES}`);
    return f.path;
  };
  /** An optional file: its real path, or null (with a warning when it is there but refused). */
  const optional = (rel: string): string | null => {
    const f = runFile(root, rel);
    if (f && 'refused' in f) warn(`run "${name}": left out ${f.refused}; ${ONLY_FILES}`);
    return f && 'path' in f ? f.path : null;
  };
  const site = (rel: string, file: SiteFile): string => {
    files.set(`${name}/${rel}`, file);
    return `${name}/${rel}`;
  };
  const onnxFrom = hasEntry(join(root, RUN_FILES.onnx)) ? required(RUN_FILES.onnx) : null;
  required(RUN_FILES.modelCard);
  const run = new RunDir(root);
  const card = run.readModelCard();
  const onnx = onnxFrom ? site(RUN_FILES.onnx, { from: onnxFrom }) : null;
  const modelCard = site(RUN_FILES.modelCard, { json: card });

  const metricsFrom = optional(RUN_FILES.metrics);
  const records = metricsFrom ? readMetrics(run, metricsFrom) : null;
  const metrics = records ? site(METRICS_JSON, { json: records }) : null;
  const curveFrom = optional(RUN_FILES.curve);
  const points = curveFrom ? readCurve(curveFrom) : null;
  const curve = points ? site(CURVE_JSON, { json: points }) : null;
  const realPoints = optional(RUN_FILES.realPoints)
    ? site(RUN_FILES.realPoints, { json: { points: run.readRealPoints() } })
    : null;

  const samples: string[] = [];
  const samplesDir = run.path(RUN_FILES.samplesDir);
  const dirEntry = lstatSync(samplesDir, { throwIfNoEntry: false });
  if (dirEntry?.isSymbolicLink()) {
    warn(`run "${name}": left out ${RUN_FILES.samplesDir}/, a symbolic link; ${ONLY_FILES}`);
  } else if (dirEntry?.isDirectory()) {
    const pngs = readdirSync(samplesDir)
      .filter((f) => f.endsWith('.png') && SAFE_NAME.test(f))
      .sort();
    for (const f of pngs) {
      const from = optional(join(RUN_FILES.samplesDir, f));
      if (from) samples.push(site(`${RUN_FILES.samplesDir}/${f}`, { from }));
    }
  }

  const state = readState(run);
  const config = readConfig(run);
  return {
    run: {
      name,
      card,
      status: state?.status ?? null,
      startedAt: state?.startedAt ?? null,
      updatedAt: state?.updatedAt ?? null,
      ...(state?.error ? { error: state.error } : {}),
      config,
      overrides: overridesOf(config),
      files: { onnx, modelCard, metrics, curve, realPoints, samples },
      thumbnail: samples.at(-1) ?? null,
      progress: {
        epoch: state?.epoch ?? card.epochs,
        step: state?.step ?? card.steps,
        curvePoints: points?.length ?? 0,
        samples: samples.length,
      },
    },
    files,
  };
}

/**
 * Every run under `runsDir` the site can show, sorted by name. A folder that is not a run (no model card
 * and no generator yet) is left out silently; one that cannot be shown is left out with a warning.
 */
export function scanRuns(runsDir: string, warn: (m: string) => void = () => {}): RunPlan[] {
  if (!existsSync(runsDir) || !statSync(runsDir).isDirectory()) {
    throw new ManifestError(
      `runs directory not found: ${runsDir} (train and export a run first, or pass --runs <dir>)`,
    );
  }
  const plans: RunPlan[] = [];
  for (const name of readdirSync(runsDir).sort()) {
    const dir = join(runsDir, name);
    const entry = lstatSync(dir);
    const isRun = hasEntry(join(dir, RUN_FILES.onnx)) || hasEntry(join(dir, RUN_FILES.modelCard));
    if (!(entry.isDirectory() || entry.isSymbolicLink()) || !isRun) continue;
    if (entry.isSymbolicLink()) {
      warn(`skipped run "${name}": its folder is a symbolic link; copy the run into ${runsDir} to show it`);
      continue;
    }
    if (!SAFE_NAME.test(name)) {
      warn(`skipped run "${name}": rename it to letters, digits, ".", "_" or "-" to show it in the gallery`);
      continue;
    }
    try {
      plans.push(planRun(name, runsDir, warn));
    } catch (e) {
      // One broken run (e.g. exported before its model card was written) must not hide the others.
      if (!(e instanceof RunDirError)) throw e;
      warn(`skipped run "${name}": ${e.message}`);
    }
  }
  return plans;
}

export function manifestOf(plans: RunPlan[], live = false): Manifest {
  return {
    version: MANIFEST_VERSION,
    generatedAt: new Date().toISOString(),
    ...(live ? { live: true } : {}),
    runs: plans.map((p) => p.run),
  };
}

/** Rebuilds `outDir` from the runs under `runsDir`; returns the manifest it wrote. */
export function buildManifest({ runsDir, outDir, warn = () => {} }: BuildManifestOptions): Manifest {
  const plans = scanRuns(runsDir, warn);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const plan of plans) {
    for (const [path, file] of plan.files) {
      const dest = join(outDir, path);
      mkdirSync(dirname(dest), { recursive: true });
      if ('from' in file) copyFileSync(file.from, dest);
      else writeJsonAtomic(dest, file.json);
    }
  }
  const manifest = manifestOf(plans);
  writeJsonAtomic(join(outDir, MANIFEST_FILE), manifest);
  return manifest;
}

function main(argv: string[]): void {
  const workspaceRoot = process.env.NX_WORKSPACE_ROOT ?? resolve(appDir, '../..');
  const program = new Command()
    .name('build-manifest')
    .description('Copy exported runs into the gallery (public/models/) and write manifest.json')
    .option('--runs <dir>', 'folder holding the run directories', join(workspaceRoot, 'runs'))
    .option('--out <dir>', 'output folder (rebuilt from scratch)', join(appDir, 'public', 'models'))
    .parse(argv);
  const opts = program.opts<{ runs: string; out: string }>();
  try {
    const manifest = buildManifest({
      runsDir: resolve(opts.runs),
      outDir: resolve(opts.out),
      warn: (m) => console.warn(`warning: ${m}`),
    });
    if (manifest.runs.length === 0) {
      console.warn(`warning: no runs in ${resolve(opts.runs)} (need <run>/${RUN_FILES.modelCard})`);
    }
    console.log(`manifest: ${manifest.runs.length} run(s) -> ${join(resolve(opts.out), MANIFEST_FILE)}`);
  } catch (e) {
    if (e instanceof ManifestError || e instanceof FileWriteError) {
      console.error(`error: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv);

/** curve.jsonl as an array of points; a line cut short by a writer still running is left out. */
export function readCurve(path: string): unknown[] {
  return readJsonLines(path, CurvePointSchema);
}

/** Adaptive augmentation's figures in metrics.jsonl: the site charts them (views/adaptive.ts). */
export const ADAPTIVE_FIELDS = ['augmentP', 'overfitSignal', 'overfitTarget'] as const;

/**
 * metrics.jsonl's records as the contracts read them, with the adaptive augmentation's figures kept:
 * a schema that does not list them would drop them, and the site draws them when they are there.
 */
export function readMetrics(run: RunDir, path: string): MetricsRecord[] {
  const records = run.readMetrics();
  const adaptive = new Map<number, Record<string, number>>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      continue; // a line cut short, or blank: the contracts' reader has its say on those
    }
    if (!o || typeof o !== 'object') continue;
    const rec = o as Record<string, unknown>;
    const figures = Object.fromEntries(
      ADAPTIVE_FIELDS.flatMap((k) =>
        typeof rec[k] === 'number' && Number.isFinite(rec[k]) ? [[k, rec[k]]] : [],
      ),
    ) as Record<string, number>;
    if (typeof rec['epoch'] === 'number' && Object.keys(figures).length > 0)
      adaptive.set(rec['epoch'], figures);
  }
  return records.map((r) => ({ ...r, ...adaptive.get(r.epoch) }));
}
