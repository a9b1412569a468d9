/**
 * The documented launch, `npx ganforge train`, stopped the way docker stop and job schedulers stop it:
 * SIGTERM to the npx process. The trainer must stop after its step with a checkpoint, and npx must exit
 * 143 only once it has, leaving no trainer running.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_FILES, RunDir } from '@ganforge/contracts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'ganforge-npx-signals-'));
const started: number[] = [];
afterAll(() => {
  // A trainer the launch left running (the failure this guards against) must not outlive the test.
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The environment of a shell in this workspace: npm's settings come from its .npmrc, plus `extra`. */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('npm_') && !(k in extra)) delete env[k];
  return env;
}

interface Launch {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The trainer's pid, from the run's lock. */
  trainer: number;
  /** Whether the trainer still ran when npx exited. */
  trainerLeft: boolean;
}

/** Starts `npx ganforge train` on a long run and sends SIGTERM to npx once epoch 1 is done. */
function npxTrainAndTerm(out: string, env: Record<string, string>): Promise<Launch> {
  const args = ['--preset=tiny', '--limit=96', '--batch-size=16', '--hidden-g=16', '--hidden-d=16'];
  const child = spawn('npx', ['ganforge', 'train', ...args, '--epochs=100000', '--quiet', `--out=${out}`], {
    cwd: repoRoot,
    env: shellEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let trainer = 0;
  let sent = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (!sent && /^epoch 1\//m.test(stdout)) {
      trainer = JSON.parse(readFileSync(join(out, RUN_FILES.lock), 'utf8')).pid;
      started.push(trainer);
      sent = true;
      child.kill('SIGTERM');
    }
  });
  child.stderr.resume();
  // 'exit', not 'close': a trainer left running would hold npx's output pipes open.
  return new Promise((done) =>
    child.on('exit', (code, signal) => {
      const trainerLeft = alive(trainer);
      // What the trainer still prints once npx is gone (plain sh) comes on the same pipe.
      const rest = new Promise((r) => child.stdout.on('end', r));
      void Promise.race([rest, new Promise((r) => setTimeout(r, 30_000))]).then(() =>
        done({ code, signal, stdout, trainer, trainerLeft }),
      );
    }),
  );
}

async function gone(pid: number, seconds: number): Promise<boolean> {
  for (let t = 0; t < seconds * 10 && alive(pid); t++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

/** The run stopped as after Ctrl-C: state interrupted, a checkpoint of its last step, no lock left. */
function expectStoppedWithCheckpoint(out: string): void {
  const run = new RunDir(out);
  const state = run.readState();
  expect(state.status).toBe('interrupted');
  const latest = JSON.parse(readFileSync(join(out, 'checkpoint', 'latest.json'), 'utf8'));
  expect(latest.step).toBe(state.step);
  expect(() => readFileSync(join(out, RUN_FILES.lock))).toThrow(/ENOENT/);
}

describe('SIGTERM to `npx ganforge train`', { timeout: 180_000 }, () => {
  it('stops the trainer with a checkpoint before npx exits 143 (the workspace script-shell)', async () => {
    const out = join(tmp, 'workspace');
    const r = await npxTrainAndTerm(out, {});
    expect(r.trainer).toBeGreaterThan(0);
    // npx waited for the trainer: a container (npx its main process) would not kill it mid-checkpoint.
    expect(r.trainerLeft).toBe(false);
    expect(r.code === 143 || r.signal === 'SIGTERM').toBe(true);
    expect(r.stdout).toContain(`continue with: --resume ${out}`);
    expectStoppedWithCheckpoint(out);
  });

  it('stops the trainer with a checkpoint when npx runs it under plain sh, which dies of the signal', async () => {
    const out = join(tmp, 'plain-sh');
    const r = await npxTrainAndTerm(out, { npm_config_script_shell: '/bin/sh' });
    expect(r.code === 143 || r.signal === 'SIGTERM').toBe(true);
    // The shell between npx and the trainer died at once; the trainer sees its launcher gone and stops.
    expect(await gone(r.trainer, 30)).toBe(true);
    expectStoppedWithCheckpoint(out);
  });
});
