/**
 * bin/npm-shell, the workspace's npm script-shell: `npx export generator` runs the export bin, and
 * `npx <bin> …` runs the bin in place of the shell, so that the signals npm forwards reach it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
const shell = resolve(import.meta.dirname, '../bin/npm-shell');
const dir = mkdtempSync(join(tmpdir(), 'ganforge-npm-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in `export` program in a node_modules/.bin folder: prints its arguments, one per line.
const bin = join(dir, 'node_modules', '.bin');
mkdirSync(bin, { recursive: true });
writeFileSync(join(bin, 'export'), '#!/bin/sh\nfor a in "$@"; do echo "arg:$a"; done\n');
chmodSync(join(bin, 'export'), 0o755);
// A stand-in bin that prints its own pid, then its arguments.
writeFileSync(join(bin, 'prog'), '#!/bin/sh\necho "pid:$$"\nfor a in "$@"; do echo "arg:$a"; done\n');
chmodSync(join(bin, 'prog'), 0o755);

/** Runs `command` through the shell; `pid` is the shell's own process id. */
function shAsync(command: string): Promise<{ pid: number; stdout: string; status: number | null }> {
  const child = spawn(shell, ['-c', command], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir } });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  return new Promise((done) => child.on('close', (status) => done({ pid: child.pid!, stdout, status })));
}

function sh(command: string, path = `${bin}:/usr/bin:/bin`) {
  const r = spawnSync(shell, ['-c', command], { encoding: 'utf8', env: { PATH: path, HOME: dir } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm-shell', () => {
  it('runs the export bin for `export <subcommand> …`, as npx quotes it, arguments intact', () => {
    expect(sh(`'export' generator --run 'runs/a b' --fp16`).stdout).toBe(
      'arg:generator\narg:--run\narg:runs/a b\narg:--fp16\n',
    );
    expect(sh('export generator --help').stdout).toBe('arg:generator\narg:--help\n');
  });

  it('leaves the builtin to everything else, unchanged', () => {
    expect(sh('export FOO=bar; echo "$FOO"').stdout).toBe('bar\n');
    expect(sh('export -p >/dev/null && echo ok').stdout).toBe('ok\n');
    expect(sh('echo "a  b" \'$HOME\'').stdout).toBe('a  b $HOME\n');
    expect(sh('exit 3').status).toBe(3);
    // With no export program in a node_modules/.bin on PATH, `export generator` is the builtin's no-op.
    expect(sh('export generator; echo "still here"', '/usr/bin:/bin')).toMatchObject({
      status: 0,
      stdout: 'still here\n',
    });
  });

  it('runs a node_modules/.bin program of a command line npx built in place of the shell (exec)', async () => {
    const r = await shAsync(`'prog' train --out 'runs/a b' --x=1 'it'\\''s'`);
    // The same process: a signal npm sends its child reaches the program, not a shell waiting for it.
    expect(r.stdout).toBe(`pid:${r.pid}\narg:train\narg:--out\narg:runs/a b\narg:--x=1\narg:it's\n`);
    // Anything more than one plain command runs in a shell as before.
    const chained = await shAsync(`'prog' a && echo after`);
    expect(chained.stdout).not.toContain(`pid:${chained.pid}\n`);
    expect(chained.stdout).toMatch(/arg:a\nafter\n$/);
    const unquoted = await shAsync('prog a');
    expect(unquoted.stdout).not.toContain(`pid:${unquoted.pid}\n`);
    // A name that is no program in a node_modules/.bin stays the shell's (here the builtin echo).
    expect((await shAsync(`'echo' hi`)).stdout).toBe('hi\n');
  });

  it('passes other invocations (not -c) to /bin/sh as they are', () => {
    const script = join(dir, 'script.sh');
    writeFileSync(script, 'echo "script:$1"\n');
    const r = spawnSync(shell, [script, 'x'], { encoding: 'utf8' });
    expect(r.stdout).toBe('script:x\n');
  });
});

describe('npx export generator in this workspace', { timeout: 120_000 }, () => {
  it.each(['.', 'packages/trainer'])('runs ganforge export generator where it is typed (%s)', (cwd) => {
    const r = spawnSync('npx', ['export', 'generator', '--help'], {
      cwd: join(repoRoot, cwd),
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ganforge export generator \[options\]/);
    expect(r.stdout).toContain('--no-verify');
  });
});
