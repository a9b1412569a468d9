/**
 * Fault injection: trains a small run once without interruption, then N times starts the same run,
 * kills it at a random moment (SIGKILL, SIGINT or SIGTERM, chosen at random; checkpoints every few
 * steps, so many kills land inside a checkpoint write), resumes it to the end and checks:
 *
 * - corrupt: the resume failed (the latest checkpoint did not load), or the run did not complete;
 * - inexact: the final generator or discriminator weights differ in any byte from the uninterrupted run's;
 * - leaked: a temporary file or an orphan checkpoint folder survived the successful resume, or a
 *   command printed a stack trace.
 *
 * Exits 1 if any count is above zero. Every run is a real trainer process (`ganforge train`).
 *
 *   npx nx run trainer:faults [-- --kills 50 --seed 1 --json out.json]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import seedrandom from 'seedrandom';
import { TEMP_NAME } from '@ganforge/contracts';

const HELP = `trainer:faults — kill training runs at random moments, resume them, check nothing is lost

  --kills <n>     runs to kill and resume (default 50)
  --seed <n>      seed of the kill moments and signals (default 1)
  --json <file>   also write the summary and every trial as JSON
  --keep          keep the run folders (printed at the end)
  -h, --help      this text`;

export interface FaultTrial {
  signal: Signal;
  /** Milliseconds after the process started. */
  afterMs: number;
  /** What the kill left: exit code or signal, and whether a write was cut short. */
  exit: string;
  checkpointBefore: boolean;
  cutWrite: boolean;
  outcome: 'exact' | 'corrupt' | 'inexact' | 'leaked';
  detail?: string;
}

export interface FaultSummary {
  kills: number;
  exact: number;
  corrupt: number;
  inexact: number;
  leaked: number;
  /** Kills that found a checkpoint to resume from (the others restarted from scratch). */
  resumedFromCheckpoint: number;
  /** Kills that left a temporary file or an unfinished checkpoint folder behind. */
  cutWrites: number;
  bySignal: Record<string, number>;
}

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'src', 'cli', 'main.ts');
/** 600 steps of the tiny preset, a checkpoint every 3: a few seconds per run. */
const RUN = [
  '--preset=tiny',
  '--limit=480',
  '--batchSize=16',
  '--epochs=20',
  '--checkpointEvery=3',
  '--seed=7',
  '--quiet',
];
const SIGNALS = ['SIGKILL', 'SIGINT', 'SIGTERM'] as const;
type Signal = (typeof SIGNALS)[number];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

/** Runs the trainer; `kill` sends a signal after that many milliseconds. */
function trainer(args: string[], kill?: { signal: Signal; afterMs: number }): Promise<Exit> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: join(here, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = kill ? setTimeout(() => child.kill(kill.signal), kill.afterMs) : undefined;
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, ms: Date.now() - started });
    });
  });
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [join(dir, e.name) + '/', ...walk(join(dir, e.name))] : [join(dir, e.name)],
  );
}

/** Temporary files anywhere, and checkpoint folders latest.json does not name. */
function leftovers(out: string): string[] {
  const temps = walk(out).filter((p) => TEMP_NAME.test(p));
  const root = join(out, 'checkpoint');
  const latest = join(root, 'latest.json');
  let named = '';
  try {
    named = (JSON.parse(readFileSync(latest, 'utf8')) as { dir: string }).dir;
  } catch {
    // no (readable) latest.json: every step folder is an orphan
  }
  const orphans = existsSync(root)
    ? readdirSync(root)
        .filter((n) => n.startsWith('step-') && n !== named)
        .map((n) => join(root, n))
    : [];
  return [...temps, ...orphans];
}

const weightFiles = (out: string) =>
  ['generator', 'discriminator'].map((m) => readFileSync(join(out, m, 'weights.bin')));

/** A stack trace line in a command's output (a user error prints one line, never this). */
const STACK_LINE = / {4}at .+[:(]/;

const failed = (e: Exit) => e.code !== 0 || STACK_LINE.test(e.output);

export async function runFaults(opts: {
  kills: number;
  seed: number;
  root: string;
  log?: (trial: FaultTrial, i: number) => void;
}): Promise<{ summary: FaultSummary; trials: FaultTrial[] }> {
  const reference = join(opts.root, 'reference');
  const straight = await trainer([...RUN, `--out=${reference}`]);
  if (failed(straight)) throw new Error(`the uninterrupted run failed:\n${straight.output}`);
  const expected = weightFiles(reference);
  const rng = seedrandom(`faults-${opts.seed}`);
  const trials: FaultTrial[] = [];
  for (let i = 0; i < opts.kills; i++) {
    const out = join(opts.root, `kill-${i}`);
    const signal = SIGNALS[Math.floor(rng() * SIGNALS.length)]!;
    const afterMs = Math.round(rng() * straight.ms);
    const killed = await trainer([...RUN, `--out=${out}`], { signal, afterMs });
    const exit = killed.signal ? `signal ${killed.signal}` : `exit ${killed.code}`;
    const cut = leftovers(out);
    const checkpointBefore = existsSync(join(out, 'checkpoint', 'latest.json'));
    const trial: FaultTrial = {
      signal,
      afterMs,
      exit,
      checkpointBefore,
      cutWrite: cut.length > 0,
      outcome: 'exact',
    };
    // The kill itself must be clean: Ctrl-C and SIGTERM exit 130 / 143 (or 0 if the run had ended).
    const expectedExit: Record<Signal, number[]> = { SIGINT: [130, 0], SIGTERM: [143, 0], SIGKILL: [] };
    const stackTrace = STACK_LINE.test(killed.output);
    if (
      stackTrace ||
      (killed.code !== null && signal !== 'SIGKILL' && !expectedExit[signal].includes(killed.code))
    ) {
      // A signal before the handlers are installed ends node itself (code null): not a fault.
      trial.outcome = 'leaked';
      trial.detail = `the killed run ended with ${exit}${stackTrace ? ' and a stack trace' : ''}:\n${killed.output.slice(-800)}`;
    } else {
      const resumed = checkpointBefore
        ? await trainer(['--resume', out, '--quiet'])
        : await trainer([...RUN, `--out=${out}`, '--overwrite']);
      const state = existsSync(join(out, 'state.json'))
        ? (JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { status: string })
        : undefined;
      if (failed(resumed) || state?.status !== 'completed') {
        trial.outcome = 'corrupt';
        trial.detail = resumed.output.slice(-800);
      } else if (!weightFiles(out).every((w, k) => w.equals(expected[k]!))) {
        trial.outcome = 'inexact';
      } else if (leftovers(out).length > 0) {
        trial.outcome = 'leaked';
        trial.detail = leftovers(out).join(', ');
      }
    }
    trials.push(trial);
    opts.log?.(trial, i);
    if (trial.outcome === 'exact') rmSync(out, { recursive: true, force: true });
  }
  const count = (o: FaultTrial['outcome']) => trials.filter((t) => t.outcome === o).length;
  const summary: FaultSummary = {
    kills: trials.length,
    exact: count('exact'),
    corrupt: count('corrupt'),
    inexact: count('inexact'),
    leaked: count('leaked'),
    resumedFromCheckpoint: trials.filter((t) => t.checkpointBefore).length,
    cutWrites: trials.filter((t) => t.cutWrite).length,
    bySignal: Object.fromEntries(SIGNALS.map((s) => [s, trials.filter((t) => t.signal === s).length])),
  };
  return { summary, trials };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kills: { type: 'string', default: '50' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const kills = Number(values.kills);
  const seed = Number(values.seed);
  if (!Number.isInteger(kills) || kills < 1 || !Number.isInteger(seed)) {
    console.error('trainer:faults: --kills takes a whole number ≥ 1 and --seed a whole number (see --help)');
    process.exit(2);
  }
  const root = mkdtempSync(join(tmpdir(), 'ganforge-faults-'));
  try {
    const { summary, trials } = await runFaults({
      kills,
      seed,
      root,
      log: (t, i) =>
        console.log(
          `${String(i + 1).padStart(3)}/${kills}  ${t.signal.padEnd(7)} at ${String(t.afterMs).padStart(5)} ms → ${t.exit.padEnd(14)} ${t.checkpointBefore ? 'resumed' : 'restarted'}${t.cutWrite ? ', write cut short' : ''}: ${t.outcome}${t.detail ? `\n${t.detail}` : ''}`,
        ),
    });
    console.log(JSON.stringify(summary));
    if (values.json) writeFileSync(values.json, JSON.stringify({ summary, trials }, null, 2) + '\n');
    if (summary.corrupt + summary.inexact + summary.leaked > 0) process.exitCode = 1;
  } finally {
    if (values.keep) console.log(`run folders kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
