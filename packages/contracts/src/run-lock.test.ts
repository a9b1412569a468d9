import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError } from './errors';
import { lockRunDir, runLockHolder, RunLockedError } from './run-lock';
import { RUN_FILES } from './schema';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'gf-run-lock-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

const lockFile = (pid: number, host = hostname()) =>
  JSON.stringify({ pid, host, startedAt: '2026-12-01T00:00:00.000Z', command: 'train' });

describe('the run lock: one writer per run folder', () => {
  it('is a file naming this process, refused to a second taker, removed on release', () => {
    const root = tmp();
    const lock = lockRunDir(root);
    const path = join(root, RUN_FILES.lock);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
      command: 'train',
    });
    expect(runLockHolder(root)).toMatchObject({ pid: process.pid });
    let err: unknown;
    try {
      lockRunDir(root);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RunLockedError);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^run folder .* is in use by train \\(pid ${process.pid} on .*\\): wait for it to end or stop it \\(kill ${process.pid}\\)`,
      ),
    );
    expect((err as Error).message).not.toContain('\n');
    lock.release();
    expect(existsSync(path)).toBe(false);
    lock.release(); // twice is harmless
    lockRunDir(root).release();
  });

  it('refuses while another live process holds it, naming its pid', () => {
    const root = tmp();
    // This test's parent (the test runner) is alive and is not this process.
    writeFileSync(join(root, RUN_FILES.lock), lockFile(process.ppid));
    expect(() => lockRunDir(root)).toThrow(new RegExp(`in use by train \\(pid ${process.ppid} on `));
    expect(runLockHolder(root)?.pid).toBe(process.ppid);
  });

  it('takes over a stale lock: a process of this host that no longer runs, or a crash while locking', () => {
    const root = tmp();
    const path = join(root, RUN_FILES.lock);
    writeFileSync(path, lockFile(deadPid()));
    expect(runLockHolder(root)).toBeUndefined();
    const lock = lockRunDir(root);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    // An empty lock file: refused while it may still be written, taken over once it is old.
    writeFileSync(path, '');
    expect(() => lockRunDir(root)).toThrow(/being locked by another process right now/);
    utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    lockRunDir(root).release();
  });

  it('never takes over a lock of another host, and says how to clear it', () => {
    const root = tmp();
    writeFileSync(join(root, RUN_FILES.lock), lockFile(deadPid(), 'elsewhere.example'));
    expect(() => lockRunDir(root)).toThrow(
      /in use by train \(pid \d+ on elsewhere\.example.*if nothing runs there any more, delete .*\.lock$/,
    );
  });

  it('is released when the process exits without releasing it (process.exit after a second Ctrl-C)', () => {
    const root = tmp();
    const script = `
      import { lockRunDir } from ${JSON.stringify(join(import.meta.dirname, 'run-lock.ts'))};
      lockRunDir(${JSON.stringify(root)});
      process.exit(130);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(130);
    expect(existsSync(join(root, RUN_FILES.lock))).toBe(false);
  });
});
