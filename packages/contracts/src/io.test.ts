import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as fsTypes from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  describeFileError,
  FileWriteError,
  stageFile,
  writeFailure,
  writeFileAtomic,
  writeJsonAtomic,
} from './io';
import { RunDir } from './run-dir';

/** Which fs call fails next, and with which errno code; the failing write still writes a few bytes. */
const inject = vi.hoisted(() => ({ call: '', code: '' }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fsTypes>();
  const fail = (name: string) => {
    if (inject.call !== name) return;
    inject.call = '';
    throw Object.assign(new Error(`${inject.code}: injected, ${name}`), { code: inject.code });
  };
  const failing =
    <A extends unknown[], R>(name: string, f: (...args: A) => R) =>
    (...args: A): R => {
      fail(name);
      return f(...args);
    };
  const writeSync = (fd: number, buf: Uint8Array, off: number, len: number): number => {
    if (inject.call === 'writeSync') real.writeSync(fd, buf, off, Math.min(len, 3)); // a disk filling up
    fail('writeSync');
    return real.writeSync(fd, buf, off, len);
  };
  return {
    ...real,
    openSync: failing('openSync', real.openSync),
    writeSync,
    fsyncSync: failing('fsyncSync', real.fsyncSync),
    renameSync: failing('renameSync', real.renameSync),
  };
});

const here = fileURLToPath(new URL('.', import.meta.url));
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'gf-io-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('writeFileAtomic on a failing disk', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tmp();
    file = join(dir, 'state.json');
    writeFileSync(file, 'old contents');
  });
  afterEach(() => {
    inject.call = '';
  });

  const messages: [string, (path: string) => string][] = [
    ['ENOSPC', (p) => `no space left on device writing ${p}: free some space or pass another --out`],
    ['EDQUOT', (p) => `disk quota exceeded writing ${p}: free some space or pass another --out`],
    ['EROFS', (p) => `read-only file system: cannot write ${p}; pass an --out on a writable disk`],
    ['EACCES', (p) => `permission denied writing ${p}: make ${dir} writable or pass another --out`],
    ['ENOTDIR', (p) => `cannot write ${p}: part of that path is a file, not a folder; pass another --out`],
  ];

  it.each(messages)(
    '%s: one line naming the file and the remedy; the old file stays, no temporary file',
    (code, say) => {
      for (const call of ['openSync', 'writeSync', 'fsyncSync', 'renameSync']) {
        Object.assign(inject, { call, code });
        let err: unknown;
        try {
          writeFileAtomic(file, 'new contents, longer than the three bytes that get through');
        } catch (e) {
          err = e;
        }
        expect(err, call).toBeInstanceOf(FileWriteError);
        expect((err as FileWriteError).message).toBe(say(file));
        expect((err as FileWriteError).code).toBe(code);
        expect(readFileSync(file, 'utf8')).toBe('old contents');
        expect(readdirSync(dir), call).toEqual(['state.json']);
      }
    },
  );

  it('other causes keep their own error, and still leave no temporary file', () => {
    Object.assign(inject, { call: 'writeSync', code: 'EIO' });
    expect(() => writeJsonAtomic(file, { a: 1 })).toThrow(/^EIO: injected/);
    expect(readdirSync(dir)).toEqual(['state.json']);
    // RunDir's writes go the same way.
    Object.assign(inject, { call: 'fsyncSync', code: 'ENOSPC' });
    expect(() => new RunDir(dir).writeConfig({ a: 1 })).toThrow(
      `no space left on device writing ${join(dir, 'config.json')}`,
    );
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('a staged file is in place only once committed, and discard leaves nothing', () => {
    const a = stageFile(file, 'A');
    expect(readFileSync(file, 'utf8')).toBe('old contents');
    expect(readdirSync(dir)).toHaveLength(2);
    a.commit();
    expect(readFileSync(file, 'utf8')).toBe('A');
    stageFile(file, 'B').discard();
    expect(readFileSync(file, 'utf8')).toBe('A');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});

describe('writeFileAtomic under a real file-size limit', () => {
  it('fails with EFBIG in words and removes its temporary file', () => {
    const dir = tmp();
    const file = join(dir, 'weights.bin');
    const script = `import { writeFileAtomic } from ${JSON.stringify(join(here, 'io.ts'))};
try { writeFileAtomic(${JSON.stringify(file)}, new Uint8Array(64 * 1024)); }
catch (e) { console.log(e.name + ': ' + e.message); }`;
    // ulimit -f counts 1024-byte blocks: 8 KiB allowed, 64 KiB asked for.
    const r = spawnSync(
      'bash',
      ['-c', `ulimit -f 8 && exec "$0" --import tsx --input-type=module -e "$1"`, process.execPath, script],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(
      `FileWriteError: file too large for this disk or its size limit (ulimit -f) writing ${file}: pass another --out`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('describeFileError: a raw errno of a write, in words', () => {
  const errno = (code: string, syscall: string, path = '/mnt/ro/run/curve.jsonl') =>
    Object.assign(new Error(`${code}: raw, ${syscall} '${path}'`), { code, syscall, path });

  it('words a write the disk refused, whichever call met it', () => {
    for (const [code, syscall] of [
      ['EROFS', 'open'],
      ['ENOSPC', 'write'],
      ['EACCES', 'mkdir'],
      ['EPERM', 'rename'],
    ]) {
      const err = describeFileError(errno(code!, syscall!));
      expect(err, code).toBeInstanceOf(FileWriteError);
      expect((err as FileWriteError).message).not.toContain('\n');
      expect((err as FileWriteError).code).toBe(code);
    }
    expect((describeFileError(errno('EROFS', 'open')) as Error).message).toBe(
      'read-only file system: cannot write /mnt/ro/run/curve.jsonl; pass an --out on a writable disk',
    );
  });

  it('leaves reads, other errors and non-errors as they are', () => {
    const read = errno('EACCES', 'open');
    expect(describeFileError(read)).toBe(read);
    const io = errno('EIO', 'write');
    expect(describeFileError(io)).toBe(io);
    const worded = writeFailure('/r.json', { code: 'EROFS' }, '--json');
    expect(describeFileError(worded)).toBe(worded);
    const plain = new TypeError('x');
    expect(describeFileError(plain)).toBe(plain);
    expect(describeFileError('text')).toBe('text');
  });

  it('names another flag as the place to write when asked', () => {
    expect((writeFailure('/r.json', { code: 'ENOSPC' }, '--json') as Error).message).toBe(
      'no space left on device writing /r.json: free some space or pass another --json',
    );
  });
});
