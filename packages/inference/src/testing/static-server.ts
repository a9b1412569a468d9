/**
 * A small static file server for a built app in tests and benches (the SDK's own browser test, an app's
 * Chromium tests). Like a static host set up for a Vite build with `ganforgeOrt()`: it sends the file
 * (`index.html` for a folder), or its pre-compressed copy (`<file>.br` / `<file>.gz`) when the request's
 * Accept-Encoding allows, lets browsers cache `ort/` and `assets/` (hashed or versioned) and no other path,
 * serves extra in-memory files (models a test builds), and counts the bytes it sends.
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** Content types of the files a built app serves; `ServeOptions.types` adds or replaces entries. */
export const DEFAULT_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface ServeOptions {
  /** Files served from memory, by URL path without the leading slash ('models/g.onnx'); they win over disk. */
  files?: Record<string, Uint8Array>;
  /** Content-Type by file extension ('.png'), over DEFAULT_CONTENT_TYPES; others are application/octet-stream. */
  types?: Record<string, string>;
  /** Headers sent with every response (e.g. the COOP/COEP pair that makes the app cross-origin isolated). */
  headers?: Readonly<Record<string, string>>;
}

export interface StaticServer {
  /** The server's root URL, with a trailing slash. */
  url: string;
  /**
   * Every response since the server started (empty it to start counting again): when it was sent (ms since
   * the epoch), its path, and its bytes as sent (compressed, when a compressed copy was sent) and uncompressed.
   */
  log: { at: number; path: string; sent: number; raw: number }[];
  /** Bytes sent per path, summed from the log. */
  readonly sent: Map<string, number>;
  /** Send pre-compressed copies when the browser accepts them (true unless set to false). */
  precompressed: boolean;
  /** Stops the server, closing idle keep-alive connections (a closed server refuses, like a dead host). */
  close(): Promise<void>;
}

/** The encodings an Accept-Encoding header allows ("br, gzip;q=0.8": all listed except those given q=0). */
function acceptedEncodings(header = ''): Set<string> {
  const out = new Set<string>();
  for (const part of header.split(',')) {
    const [name, ...params] = part
      .trim()
      .toLowerCase()
      .split(/\s*;\s*/);
    const q = params.find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) out.add(name);
  }
  return out;
}

/** The pre-compressed copy of `file` to send, if there is one the browser accepts. */
function encodedCopy(file: string, acceptEncoding?: string): { path: string; encoding: string } | null {
  const accepts = acceptedEncodings(acceptEncoding);
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (accepts.has(encoding) && existsSync(file + suffix)) return { path: file + suffix, encoding };
  }
  return null;
}

/** Serves the folder `root` on 127.0.0.1 at a free port. */
export async function serveStatic(root: string, options: ServeOptions = {}): Promise<StaticServer> {
  const types = { ...DEFAULT_CONTENT_TYPES, ...options.types };
  const files = options.files ?? {};
  const extra = options.headers ?? {};
  const log: StaticServer['log'] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const mem = files[path.slice(1)];
    if (mem) {
      res
        .writeHead(200, {
          ...extra,
          'Content-Type': types[extname(path)] ?? 'application/octet-stream',
          'Cache-Control': 'no-cache',
        })
        .end(mem);
      log.push({ at: Date.now(), path, sent: mem.byteLength, raw: mem.byteLength });
      return;
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403, extra).end();
      return;
    }
    try {
      const size = (await stat(file)).size;
      const encoded = handle.precompressed ? encodedCopy(file, req.headers['accept-encoding']) : null;
      const body = await readFile(encoded?.path ?? file);
      // Like a typical static host: the runtime and the hashed bundles may be cached, pages and data not.
      const immutable = path.startsWith('/ort/') || path.startsWith('/assets/');
      res.writeHead(200, {
        ...extra,
        'Content-Type': types[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': immutable ? 'public, max-age=3600' : 'no-cache',
        ...(encoded ? { 'Content-Encoding': encoded.encoding, Vary: 'Accept-Encoding' } : {}),
      });
      res.end(body);
      log.push({ at: Date.now(), path, sent: body.length, raw: size });
    } catch {
      res.writeHead(404, extra).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle: StaticServer = {
    url: `http://127.0.0.1:${port}/`,
    log,
    get sent() {
      const perPath = new Map<string, number>();
      for (const r of log) perPath.set(r.path, (perPath.get(r.path) ?? 0) + r.sent);
      return perPath;
    },
    precompressed: true,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return handle;
}
