/**
 * `--resume <run>.tar`: unpacks a run archive (the playground's "Download run", or `tar -cf` of a run
 * folder) next to itself and names the run folder in it. Reads ustar archives of regular files and
 * folders; anything else (links, devices), an absolute name or a `..` in one is refused, and an existing
 * folder of the same name is never written into.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { RunDirError } from '@ganforge/contracts';

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

/** Unpacks `archive` into its folder and returns the run folder it held (its one top-level folder). */
export function unpackRunArchive(archive: string): string {
  const path = resolve(archive);
  const entries = readTar(new Uint8Array(readFileSync(path)), path);
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
  const top = [...tops][0]!;
  const root = dirname(path);
  const run = join(root, top);
  if (existsSync(run)) {
    throw new RunDirError(
      `${run} already exists: resume that folder (--resume ${run}), or move it away to unpack ${path} again`,
    );
  }
  for (const e of entries) {
    const target = resolve(root, e.name);
    if (!target.startsWith(run + sep) && target !== run) {
      throw new RunDirError(`${path} holds "${e.name}", outside its run folder`);
    }
    if (e.type === 'dir') mkdirSync(target, { recursive: true });
    else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, e.data);
    }
  }
  if (!statSync(run).isDirectory()) throw new RunDirError(`${path}: ${top} is not a folder`);
  return run;
}
