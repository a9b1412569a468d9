/**
 * `--resume <run>.tar`: unpacks a run archive (the playground's "Download run", or `tar -cf` of a run
 * folder) next to itself and names the run folder in it. Reads ustar archives of regular files and
 * folders; anything else (links, devices), an absolute name or a `..` in one, a name that is both a file
 * and a folder is refused, and an existing folder of the same name is never written into.
 */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { RunDirError, writeFailure } from '@ganforge/contracts';

const BLOCK = 512;

interface Entry {
  name: string;
  type: 'file' | 'dir';
  data: Uint8Array;
}

function text(b: Uint8Array, from: number, length: number): string {
  const raw = b.subarray(from, from + length);
  const end = raw.indexOf(0);
  return new TextDecoder().decode(end >= 0 ? raw.subarray(0, end) : raw);
}

export function readTar(bytes: Uint8Array, what: string): Entry[] {
  const entries: Entry[] = [];
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const h = bytes.subarray(at, at + BLOCK);
    if (h.every((v) => v === 0)) break;
    const sum = h.reduce((a, v, i) => a + (i >= 148 && i < 156 ? 32 : v), 0);
    if (parseInt(text(h, 148, 8).trim(), 8) !== sum) {
      throw new RunDirError(`${what} is not a tar archive (or is damaged): bad header at byte ${at}`);
    }
    const prefix = text(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(h, 0, 100);
    const size = parseInt(text(h, 124, 12).trim() || '0', 8);
    const flag = String.fromCharCode(h[156]!);
    at += BLOCK;
    const data = bytes.subarray(at, at + size);
    at += Math.ceil(size / BLOCK) * BLOCK;
    if (flag === '0' || flag === '\0') entries.push({ name, type: 'file', data });
    else if (flag === '5') entries.push({ name, type: 'dir', data });
    else if (flag === 'x' || flag === 'g')
      continue; // pax headers: the names here are short and plain
    else throw new RunDirError(`${what} holds "${name}", which is not a file or folder: not unpacked`);
  }
  return entries;
}

/** The entries' clean names and their one top-level folder; refuses names outside it. */
function runFolderOf(entries: Entry[], path: string): string {
  const tops = new Set<string>();
  for (const e of entries) {
    const clean = e.name.replace(/^\.\//, '').replace(/\/$/, '');
    if (clean === '' || clean.startsWith('/') || clean.split('/').includes('..')) {
      throw new RunDirError(`${path} holds the name "${e.name}", which would land outside its folder`);
    }
    e.name = clean;
    tops.add(clean.split('/')[0]!);
  }
  if (tops.size !== 1) {
    throw new RunDirError(
      `${path} should hold one run folder; it holds ${tops.size ? [...tops].join(', ') : 'nothing'}`,
    );
  }
  return [...tops][0]!;
}

/** Refuses a name the archive holds both as a file and as a folder (itself, or above another name). */
function assertOneKindPerName(entries: Entry[], path: string): void {
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const e of entries) {
    (e.type === 'dir' ? folders : files).add(e.name);
    const parts = e.name.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  const both = [...files].find((f) => folders.has(f));
  if (both !== undefined) {
    throw new RunDirError(
      `${path} holds ${both} both as a file and as a folder: it is damaged or not a run archive; nothing was unpacked`,
    );
  }
}

/**
 * Unpacks `archive` into its folder and returns the run folder it held (its one top-level folder). The
 * archive is checked whole first and unpacked under a temporary name, renamed into place at the end:
 * a failure leaves nothing behind.
 */
export function unpackRunArchive(archive: string): string {
  const path = resolve(archive);
  const entries = readTar(new Uint8Array(readFileSync(path)), path);
  const top = runFolderOf(entries, path);
  assertOneKindPerName(entries, path);
  const root = dirname(path);
  const run = join(root, top);
  if (existsSync(run)) {
    throw new RunDirError(
      `${run} already exists: resume that folder (--resume ${run}), or move it away to unpack ${path} again`,
    );
  }
  if (!entries.some((e) => e.name === top && e.type === 'dir') && entries.some((e) => e.name === top))
    throw new RunDirError(`${path}: ${top} is not a folder`);
  try {
    accessSync(root, constants.W_OK);
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    throw new RunDirError(
      `cannot unpack ${path} next to itself: ${root} ${why}; copy the archive to a writable folder and resume that copy`,
    );
  }
  const staging = join(root, `.${top}.unpacking-${process.pid}`);
  try {
    rmSync(staging, { recursive: true, force: true });
    for (const e of entries) {
      const target = resolve(staging, e.name.slice(top.length + 1));
      if (!target.startsWith(staging + sep) && target !== staging) {
        throw new RunDirError(`${path} holds "${e.name}", outside its run folder`);
      }
      if (e.type === 'dir') mkdirSync(target, { recursive: true });
      else {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, e.data);
      }
    }
    renameSync(staging, run);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw writeFailure(run, e);
  }
  return run;
}
