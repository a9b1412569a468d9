/**
 * One writer per run folder: a trainer holds `<run>/.lock` (its pid, host and start time) while it
 * writes the run, so a second trainer on the same --out, or a --resume of a run still training, is
 * refused instead of interleaving its files with the first's. The file is created with O_EXCL (one
 * creator wins), removed when its holder ends (normally, on an error, on a signal, or at process.exit),
 * and a lock whose process no longer runs on this host (killed, a crash) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from './errors';
import { writeFailure } from './io';
import { RUN_FILES, RunLockSchema, type RunLockInfo } from './schema';

/** The run folder is locked by another live process; the message names it and what to do. */
export class RunLockedError extends UserError {
  override name = 'RunLockedError';
}

/** A held lock: release() removes it (once; later calls do nothing). */
export interface RunLockHandle {
  readonly path: string;
  release(): void;
}

/** A lock file this old that still holds no readable owner was left by a crash while taking it. */
const UNREADABLE_GRACE_MS = 10_000;

/** Locks held by this process, by path: a second lock of the same run from here is refused too. */
const held = new Set<string>();

type Holder = RunLockInfo | 'unreadable' | 'gone';

function readHolder(path: string): Holder {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw writeFailure(path, e);
  }
  try {
    const parsed = RunLockSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether the lock's holder is gone: a process of this host that no longer runs (or this one's pid, not held here). */
function isStale(path: string, holder: RunLockInfo | 'unreadable'): boolean {
  if (holder === 'unreadable') {
    try {
      return Date.now() - statSync(path).mtimeMs > UNREADABLE_GRACE_MS;
    } catch {
      return true;
    }
  }
  if (holder.host !== hostname()) return false;
  // This process's own pid in a lock it does not hold: a process before it that had the same pid
  // (a container restarted with the same run folder mounted).
  if (holder.pid === process.pid) return !held.has(path);
  return !isAlive(holder.pid);
}

function refusal(root: string, path: string, holder: RunLockInfo | 'unreadable'): RunLockedError {
  if (holder === 'unreadable') {
    return new RunLockedError(
      `run folder ${root} is being locked by another process right now (${path}): try again in a few seconds`,
    );
  }
  const who = `${holder.command ?? 'a process'} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`;
  const what =
    holder.host === hostname()
      ? `wait for it to end or stop it (kill ${holder.pid}); it removes ${path} when it ends`
      : `if nothing runs there any more, delete ${path}`;
  return new RunLockedError(`run folder ${root} is in use by ${who}: ${what}`);
}

/** Removes a stale lock, unless another process replaced it since it was read. */
function removeStale(path: string, holder: RunLockInfo | 'unreadable'): void {
  const now = readHolder(path);
  if (now === 'gone') return;
  if (JSON.stringify(now) !== JSON.stringify(holder)) return;
  try {
    rmSync(path, { force: true });
  } catch (e) {
    throw writeFailure(path, e);
  }
}

/**
 * Takes `<root>/.lock` for this process, or throws a RunLockedError naming the live process that holds
 * it (a FileWriteError when the folder cannot be written). `root` must exist.
 */
export function lockRunDir(root: string, command = 'train'): RunLockHandle {
  const path = join(root, RUN_FILES.lock);
  const info: RunLockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeFailure(path, e);
      const holder = readHolder(path);
      if (holder === 'gone') continue;
      if (!isStale(path, holder)) throw refusal(root, path, holder);
      removeStale(path, holder);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(info) + '\n');
    } catch (e) {
      closeSync(fd);
      rmSync(path, { force: true });
      throw writeFailure(path, e);
    }
    closeSync(fd);
    return holdLock(path, info);
  }
  throw new RunLockedError(`run folder ${root}: ${path} keeps changing hands; try again`);
}

/** The handle of a lock just written: released once, by its owner or at process exit. */
function holdLock(path: string, info: RunLockInfo): RunLockHandle {
  held.add(path);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(path);
    process.off('exit', release);
    try {
      const now = readHolder(path);
      // Only our own lock: never one another process took over meanwhile.
      if (now !== 'gone' && now !== 'unreadable' && now.pid === info.pid && now.startedAt === info.startedAt)
        rmSync(path, { force: true });
    } catch {
      // A lock left behind is taken over as stale by the next writer.
    }
  };
  // process.exit() (a second Ctrl-C) runs no finally blocks, but it runs 'exit' listeners.
  process.on('exit', release);
  return { path, release };
}

/** Who holds the lock of `root` now, if a live process does (a stale lock reads as none). */
export function runLockHolder(root: string): RunLockInfo | undefined {
  const path = join(root, RUN_FILES.lock);
  const holder = readHolder(path);
  if (holder === 'gone' || holder === 'unreadable' || isStale(path, holder)) return undefined;
  return holder;
}
