/**
 * The one atomic writer (temporary name in the same folder, fsync, rename) and the one JSON-lines
 * reader every GANForge package uses for run files.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { isUserError, UserError } from './errors';

/** A file that could not be written, for a reason the user can act on; one line naming the path. */
export class FileWriteError extends UserError {
  override name = 'FileWriteError';
  constructor(
    message: string,
    readonly path: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * The error to report for a failed write of `path`: a FileWriteError in words, with the remedy, for the
 * causes a user can fix (disk full, read-only disk, no permission, a file where a folder should be);
 * anything else unchanged. `option` is the flag that names another place to write (default --out).
 */
export function writeFailure(path: string, e: unknown, option = '--out'): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const say = (message: string) => new FileWriteError(message, path, code ?? '');
  switch (code) {
    case 'ENOSPC':
      return say(`no space left on device writing ${path}: free some space or pass another ${option}`);
    case 'EDQUOT':
      return say(`disk quota exceeded writing ${path}: free some space or pass another ${option}`);
    case 'EFBIG':
      return say(
        `file too large for this disk or its size limit (ulimit -f) writing ${path}: pass another ${option}`,
      );
    case 'EROFS':
      return say(`read-only file system: cannot write ${path}; pass an ${option} on a writable disk`);
    case 'EACCES':
    case 'EPERM':
      return say(
        `permission denied writing ${path}: make ${dirname(path)} writable or pass another ${option}`,
      );
    case 'ENOTDIR':
      return say(`cannot write ${path}: part of that path is a file, not a folder; pass another ${option}`);
    default:
      return e;
  }
}

/** Codes that only a write can meet, so that any call failing with one is a write that failed. */
const WRITE_ONLY_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS']);
/** System calls that write; their EACCES, EPERM or ENOTDIR is a write refused. */
const WRITE_CALLS = new Set([
  'mkdir',
  'rename',
  'unlink',
  'rmdir',
  'rm',
  'write',
  'copyfile',
  'link',
  'symlink',
  'ftruncate',
  'fsync',
]);

/**
 * A Node file-system error that escaped the writers above (it has a code and a path) in words, when it
 * is a write that failed for a reason writeFailure explains; anything else unchanged. Commands pass
 * every error through this before deciding whether it is a user error (one line) or a bug (a stack).
 */
export function describeFileError(e: unknown): unknown {
  // Already in words (a FileWriteError carries a code and a path too).
  if (!(e instanceof Error) || isUserError(e)) return e;
  const { code, path, syscall } = e as NodeJS.ErrnoException;
  if (typeof path !== 'string' || !code) return e;
  if (WRITE_ONLY_CODES.has(code) || (syscall !== undefined && WRITE_CALLS.has(syscall)))
    return writeFailure(path, e);
  return e;
}

/** A file written to its temporary name and fsynced, not yet in place: commit() renames it, discard() drops it. */
export interface StagedFile {
  readonly path: string;
  commit(): void;
  discard(): void;
}

let staged = 0;

/** stageFile's temporary names: `<file>.tmp-<pid>-<ms>-<n>`. */
export const TEMP_NAME = /\.tmp-(\d+)-\d+-\d+$/;

/**
 * Whether `name` is a temporary file a process that no longer runs left behind (killed between its
 * write and its rename). A live writer's files are not leftovers.
 */
export function isLeftoverTemp(name: string): boolean {
  const m = TEMP_NAME.exec(name);
  if (!m) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Cleaning up after a failure must not hide that failure.
  }
}

/**
 * Writes `data` next to `path` under a temporary name and fsyncs it; nothing at `path` changes until
 * commit(). On any failure the temporary file is removed and the error says what to do (writeFailure).
 * Lets a caller put several files in place only once all of them are written.
 */
export function stageFile(path: string, data: string | Uint8Array): StagedFile {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}-${++staged}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    removeQuietly(tmp);
    throw writeFailure(path, e);
  }
  return {
    path,
    commit() {
      try {
        renameSync(tmp, path);
      } catch (e) {
        removeQuietly(tmp);
        throw writeFailure(path, e);
      }
    },
    discard() {
      removeQuietly(tmp);
    },
  };
}

/** Writes bytes to `path` so that readers see either the old file or the whole new one. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  stageFile(path, data).commit();
}

/** JSON text as every run file holds it: two-space indent, final newline. */
export const jsonText = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, jsonText(value));
}

/**
 * The records of a JSON-lines file that match `schema`; a missing file is empty. A line that is not
 * JSON (the partial last line of a writer killed mid-append, or still writing) or does not match is
 * skipped, so a reader never fails on a run that is in progress.
 */
export function readJsonLines<T>(path: string, schema: z.ZodType<T>): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const r = schema.safeParse(raw);
    if (r.success) out.push(r.data);
  }
  return out;
}
