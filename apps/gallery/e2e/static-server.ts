/**
 * A tiny static file server for the built site that also counts the bytes it sends. Like a static host
 * set up for it, it sends a file's pre-compressed copy (`<file>.br` or `<file>.gz`, written by the build)
 * when the request's Accept-Encoding allows.
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { CONTENT_TYPES as TYPES } from '../scripts/content-types';

/** The pre-compressed copy of `file` to send, if there is one the browser accepts. */
function encodedCopy(file: string, acceptEncoding = ''): { path: string; encoding: string } | null {
  // "br, gzip;q=0.8": every listed encoding except those given q=0.
  const accepts = new Set(
    acceptEncoding
      .split(',')
      .map((e) =>
        e
          .trim()
          .toLowerCase()
          .split(/\s*;\s*/),
      )
      .filter(([, q]) => !q || Number(q.replace(/^q=/, '')) > 0)
      .map(([name]) => name),
  );
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (accepts.has(encoding) && existsSync(file + suffix)) return { path: file + suffix, encoding };
  }
  return null;
}

export interface StaticServer {
  url: string;
  /**
   * Every response since the server started (empty it to start counting again): when it was sent (ms
   * since the epoch), and its bytes as sent (compressed, when a compressed copy was sent) and uncompressed.
   */
  log: { at: number; path: string; sent: number; raw: number }[];
  /** Bytes sent per path, summed from the log. */
  readonly sent: Map<string, number>;
  /** Send pre-compressed copies when the browser accepts them (true unless set to false). */
  precompressed: boolean;
  close(): Promise<void>;
}

export async function serveStatic(root: string): Promise<StaticServer> {
  const log: StaticServer['log'] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const size = (await stat(file)).size;
      const encoded = handle.precompressed ? encodedCopy(file, req.headers['accept-encoding']) : null;
      const body = await readFile(encoded?.path ?? file);
      // Like a typical static host: the runtime and the hashed bundles may be cached, pages and data not.
      const immutable = path.startsWith('/ort/') || path.startsWith('/assets/');
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': immutable ? 'public, max-age=3600' : 'no-cache',
        ...(encoded ? { 'Content-Encoding': encoded.encoding, Vary: 'Accept-Encoding' } : {}),
      });
      res.end(body);
      log.push({ at: Date.now(), path, sent: body.length, raw: size });
    } catch {
      res.writeHead(404).end();
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
    // Idle keep-alive connections would hold the server open; a closed server refuses, like a dead host.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return handle;
}
