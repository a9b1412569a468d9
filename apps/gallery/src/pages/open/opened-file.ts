/**
 * The generator file the visitor opened last (picked, or dropped on any page), which `#/local` shows.
 * It is kept in memory only, so a reload asks for it again.
 */
import { localHash } from '../../links';

/** Larger files are refused before reading them: a GAN generator is megabytes, not gigabytes. */
export const MAX_MODEL_BYTES = 512 * 1024 * 1024;

export interface OpenedFile {
  name: string;
  bytes: ArrayBuffer;
  /** Counts the files opened: each one gets a page of its own. */
  opened: number;
}

let local: OpenedFile | undefined;
/** What the open page says next, once: why the last file did not open. */
let notice: string | null = null;

/** Reads `file` and goes to its page, or to the open page saying why it could not. */
export function openFile(file: File, go: (hash: string) => void): void {
  if (file.size > MAX_MODEL_BYTES) {
    notice = `"${file.name}" is ${(file.size / 2 ** 20).toFixed(0)} MiB: too large for a generator this gallery can run`;
    return go('#/open');
  }
  file.arrayBuffer().then(
    (bytes) => {
      local = { name: file.name, bytes, opened: (local?.opened ?? 0) + 1 };
      go(localHash());
    },
    (e: unknown) => {
      notice = `could not read "${file.name}": ${e instanceof Error ? e.message : String(e)}`;
      go('#/open');
    },
  );
}

export function openedFile(): OpenedFile | undefined {
  return local;
}

export function setNotice(text: string): void {
  notice = text;
}

/** The notice for the open page, which it shows once. */
export function takeNotice(): string | null {
  const text = notice;
  notice = null;
  return text;
}
