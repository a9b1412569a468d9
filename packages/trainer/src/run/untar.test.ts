import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unpackRunArchive } from './untar';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ganforge-untar-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function tarOf(cwd: string, out: string, ...names: string[]): void {
  const r = spawnSync('tar', ['--format=ustar', '-cf', out, ...names], { cwd, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe('unpacking a run archive for --resume', () => {
  it('unpacks the one run folder next to the archive, byte for byte', () => {
    const src = join(tmp, 'src');
    mkdirSync(join(src, 'run-1/checkpoint/step-000000040'), { recursive: true });
    const bin = Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) % 256);
    writeFileSync(join(src, 'run-1/config.json'), '{"seed":1}');
    writeFileSync(join(src, 'run-1/checkpoint/step-000000040/optimizers.bin'), bin);
    const archive = join(tmp, 'run.tar');
    tarOf(src, archive, 'run-1');
    const run = unpackRunArchive(archive);
    expect(run).toBe(join(tmp, 'run-1'));
    expect(readFileSync(join(run, 'config.json'), 'utf8')).toBe('{"seed":1}');
    expect(new Uint8Array(readFileSync(join(run, 'checkpoint/step-000000040/optimizers.bin')))).toEqual(bin);
    // Never into an existing folder.
    expect(() => unpackRunArchive(archive)).toThrow(/already exists: resume that folder/);
  });

  it('refuses archives with several folders or names outside the folder', () => {
    const src = join(tmp, 'src');
    mkdirSync(join(src, 'a'), { recursive: true });
    mkdirSync(join(src, 'b'), { recursive: true });
    writeFileSync(join(src, 'a/x'), 'x');
    writeFileSync(join(src, 'b/y'), 'y');
    tarOf(src, join(tmp, 'two.tar'), 'a', 'b');
    expect(() => unpackRunArchive(join(tmp, 'two.tar'))).toThrow(/should hold one run folder; it holds a, b/);
    const r = spawnSync('tar', ['--format=ustar', '-cf', join(tmp, 'up.tar'), '-P', join(src, 'a/x')], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(() => unpackRunArchive(join(tmp, 'up.tar'))).toThrow(/would land outside its folder/);
    writeFileSync(join(tmp, 'junk.tar'), 'not a tar at all'.repeat(64));
    expect(() => unpackRunArchive(join(tmp, 'junk.tar'))).toThrow(/is not a tar archive/);
  });

  it('refuses a name that is both a file and a folder in one line, and leaves nothing behind', () => {
    // Python's tarfile writes what tar(1) will not: run/a as a file, then run/a/b inside a folder run/a.
    const archive = join(tmp, 'clash.tar');
    const script = [
      'import io, sys, tarfile',
      "t = tarfile.open(sys.argv[1], 'w', format=tarfile.USTAR_FORMAT)",
      'def add(name, data=None):',
      '    info = tarfile.TarInfo(name)',
      '    if data is None: info.type = tarfile.DIRTYPE',
      '    else: info.size = len(data)',
      '    t.addfile(info, io.BytesIO(data) if data is not None else None)',
      "add('run/'); add('run/config.json', b'{}'); add('run/a', b'file'); add('run/a/b', b'inside')",
      't.close()',
    ].join('\n');
    const r = spawnSync('/usr/bin/python3', ['-c', script, archive], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    let err: Error | undefined;
    try {
      unpackRunArchive(archive);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.name).toBe('RunDirError');
    expect(err?.message).toMatch(
      /clash\.tar holds run\/a both as a file and as a folder: it is damaged or not a run archive; nothing was unpacked/,
    );
    expect(readdirSync(tmp)).toEqual(['clash.tar']);
  });
});
