/**
 * Copies every exported run (runs/<name>/generator.onnx) into public/models/<name>/ and writes
 * public/models/manifest.json for the site. public/models/ is generated: it is rebuilt from scratch.
 *
 *   tsx scripts/build-manifest.ts [--runs <dir>] [--out <dir>]
 */
import {
  copyFileSync,
  readFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import {
  CurvePointSchema,
  FileWriteError,
  RUN_FILES,
  RunDir,
  RunDirError,
  writeJsonAtomic,
} from '@ganforge/trainer';
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

function collectRun(name: string, runsDir: string, outDir: string, warn: (m: string) => void): ManifestRun {
  const root = join(runsDir, name);
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
  const onnx = required(RUN_FILES.onnx);
  required(RUN_FILES.modelCard);
  const run = new RunDir(root);
  const card = run.readModelCard();
  const dest = join(outDir, name);
  mkdirSync(dest, { recursive: true });

  copyFileSync(onnx, join(dest, RUN_FILES.onnx));
  writeJsonAtomic(join(dest, RUN_FILES.modelCard), card);

  let metrics: string | null = null;
  if (optional(RUN_FILES.metrics)) {
    writeJsonAtomic(join(dest, METRICS_JSON), run.readMetrics());
    metrics = `${name}/${METRICS_JSON}`;
  }

  let curve: string | null = null;
  const curveFrom = optional(RUN_FILES.curve);
  if (curveFrom) {
    writeJsonAtomic(join(dest, CURVE_JSON), readCurve(curveFrom));
    curve = `${name}/${CURVE_JSON}`;
  }

  let realPoints: string | null = null;
  if (optional(RUN_FILES.realPoints)) {
    writeJsonAtomic(join(dest, RUN_FILES.realPoints), { points: run.readRealPoints() });
    realPoints = `${name}/${RUN_FILES.realPoints}`;
  }

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
      if (!from) continue;
      mkdirSync(join(dest, RUN_FILES.samplesDir), { recursive: true });
      copyFileSync(from, join(dest, RUN_FILES.samplesDir, f));
      samples.push(`${name}/${RUN_FILES.samplesDir}/${f}`);
    }
  }

  return {
    name,
    card,
    files: {
      onnx: `${name}/${RUN_FILES.onnx}`,
      modelCard: `${name}/${RUN_FILES.modelCard}`,
      metrics,
      curve,
      realPoints,
      samples,
    },
    thumbnail: samples.at(-1) ?? null,
  };
}

/** Rebuilds `outDir` from the exported runs under `runsDir`; returns the manifest it wrote. */
export function buildManifest({ runsDir, outDir, warn = () => {} }: BuildManifestOptions): Manifest {
  if (!existsSync(runsDir) || !statSync(runsDir).isDirectory()) {
    throw new ManifestError(
      `runs directory not found: ${runsDir} (train and export a run first, or pass --runs <dir>)`,
    );
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const runs: ManifestRun[] = [];
  for (const name of readdirSync(runsDir).sort()) {
    const dir = join(runsDir, name);
    const entry = lstatSync(dir);
    // Not exported yet (or not a run at all): left out silently.
    if (!(entry.isDirectory() || entry.isSymbolicLink()) || !hasEntry(join(dir, RUN_FILES.onnx))) continue;
    if (entry.isSymbolicLink()) {
      warn(`skipped run "${name}": its folder is a symbolic link; copy the run into ${runsDir} to show it`);
      continue;
    }
    if (!SAFE_NAME.test(name)) {
      warn(`skipped run "${name}": rename it to letters, digits, ".", "_" or "-" to show it in the gallery`);
      continue;
    }
    try {
      runs.push(collectRun(name, runsDir, outDir, warn));
    } catch (e) {
      // One broken run (e.g. exported before its model card was written) must not hide the others.
      if (!(e instanceof RunDirError)) throw e;
      rmSync(join(outDir, name), { recursive: true, force: true });
      warn(`skipped run "${name}": ${e.message}`);
    }
  }

  const manifest: Manifest = { version: MANIFEST_VERSION, generatedAt: new Date().toISOString(), runs };
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
      console.warn(`warning: no exported runs in ${resolve(opts.runs)} (need <run>/${RUN_FILES.onnx})`);
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
  const points: unknown[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const p = CurvePointSchema.safeParse(JSON.parse(line));
      if (p.success) points.push(p.data);
    } catch {
      // a partial last line
    }
  }
  return points;
}
