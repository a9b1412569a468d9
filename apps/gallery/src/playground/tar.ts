/**
 * A minimal ustar writer for the "Download run" archive: regular files and their folders, enough for
 * `tar -xf` everywhere. Names are ASCII paths under 100 bytes (the archive's own names).
 */
const BLOCK = 512;
const encoder = new TextEncoder();

export interface TarEntry {
  path: string;
  data: Uint8Array;
}

function header(path: string, size: number, type: '0' | '5', mtime: number): Uint8Array {
  if (!/^[\w./-]+$/.test(path) || path.length >= 100) throw new Error(`tar: unsupported name ${path}`);
  const h = new Uint8Array(BLOCK);
  const put = (offset: number, text: string) => h.set(encoder.encode(text), offset);
  const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, '0') + '\0';
  put(0, path);
  put(100, octal(type === '5' ? 0o755 : 0o644, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(size, 12));
  put(136, octal(mtime, 12));
  put(148, '        '); // the checksum counts its own field as spaces
  put(156, type);
  put(257, 'ustar\0');
  put(263, '00');
  const sum = h.reduce((a, b) => a + b, 0);
  put(148, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** The archive of `entries` (folders above each file are added once, before it). */
export function tar(entries: TarEntry[], mtime = Math.floor(Date.now() / 1000)): Uint8Array {
  const parts: Uint8Array[] = [];
  const dirs = new Set<string>();
  for (const { path, data } of entries) {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = `${segments.slice(0, i).join('/')}/`;
      if (!dirs.has(dir)) {
        dirs.add(dir);
        parts.push(header(dir, 0, '5', mtime));
      }
    }
    parts.push(header(path, data.length, '0', mtime), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
