/**
 * Serves the built site and, under models/, a runs folder as it is now: manifest.json is made afresh
 * on every request (marked live, so the page keeps asking), and a run's files are read from the run
 * itself. Only the files a run's plan names are served (regular files inside the run; see planRun), so
 * nothing else under the runs folder, and nothing a link points at, ever leaves the machine.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { RunDirError } from '@ganforge/contracts';
import { MANIFEST_FILE } from '../src/manifest';
import { manifestOf, planRun, scanRuns } from './build-manifest';
import { CONTENT_TYPES as TYPES } from './content-types';
import { CROSS_ORIGIN_ISOLATION } from './isolation';

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface LiveServerOptions {
  runsDir: string;
  siteDir: string;
  port?: number;
  host?: string;
  /** Receives each warning about a run once. */
  warn?: (message: string) => void;
  /**
   * How long one scan of the runs folder answers requests (default 1000 ms): a page polls the manifest,
   * and a burst of requests (many tabs, a run's samples) must not each scan every run again.
   */
  scanMaxAgeMs?: number;
}

/** A value computed at most once per `maxAgeMs`, per key. */
function memo<T>(maxAgeMs: number, compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, { at: number; value: T }>();
  return (key) => {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < maxAgeMs) return hit.value;
    const value = compute(key);
    cache.set(key, { at: now, value });
    return value;
  };
}

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, extra = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-cache',
    ...CROSS_ORIGIN_ISOLATION,
    ...extra,
  });
  res.end(body);
}

/**
 * The built site's files, read once each: the site does not change while it is served, and reading the
 * 14 MB runtime anew for every request held a copy per request in memory.
 */
const siteBytes = new Map<string, Promise<Buffer>>();
function readSite(file: string): Promise<Buffer> {
  let bytes = siteBytes.get(file);
  if (!bytes) {
    bytes = readFile(file);
    siteBytes.set(file, bytes);
    bytes.catch(() => siteBytes.delete(file));
  }
  return bytes;
}

/** A file of the built site, as its pre-compressed copy when the browser takes one. */
async function siteFile(
  siteDir: string,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const file = normalize(join(siteDir, path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(siteDir + sep)) return send(res, 403, 'text/plain', 'outside the site');
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const accept = req.headers['accept-encoding'] ?? '';
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (accept.includes(encoding) && existsSync(file + suffix)) {
      return send(res, 200, type, await readSite(file + suffix), {
        'Content-Encoding': encoding,
        Vary: 'Accept-Encoding',
      });
    }
  }
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    send(res, 200, type, await readSite(file));
  } catch {
    send(res, 404, 'text/plain', `not found: ${path}`);
  }
}

export async function startLiveServer(opts: LiveServerOptions): Promise<LiveServer> {
  const { runsDir, siteDir } = opts;
  if (!existsSync(join(siteDir, 'index.html'))) {
    throw new Error(`no built site in ${siteDir}: build it first (npx nx run gallery:build)`);
  }
  const seen = new Set<string>();
  const warn = (m: string) => {
    if (seen.has(m)) return;
    seen.add(m);
    opts.warn?.(m);
  };
  const maxAge = opts.scanMaxAgeMs ?? 1000;
  const manifest = memo(maxAge, () => JSON.stringify(manifestOf(scanRuns(runsDir, warn), true)));
  const plan = memo(maxAge, (name) => {
    try {
      return planRun(name, runsDir, warn);
    } catch (e) {
      if (!(e instanceof RunDirError)) throw e;
      return e;
    }
  });
  const models = async (path: string, res: ServerResponse) => {
    if (path === MANIFEST_FILE) return send(res, 200, TYPES['.json']!, manifest(''));
    const [name = '', ...rest] = path.split('/');
    if (!RUN_NAME.test(name)) return send(res, 404, 'text/plain', 'no such run');
    const planned = plan(name);
    if (planned instanceof RunDirError) return send(res, 404, 'text/plain', planned.message);
    const file = planned.files.get(`${name}/${rest.join('/')}`);
    if (!file) return send(res, 404, 'text/plain', `not a file of run ${name}: ${rest.join('/')}`);
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    if ('from' in file) send(res, 200, type, await readFile(file.from));
    else send(res, 200, type, JSON.stringify(file.json));
  };
  const server: Server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(res, 400, 'text/plain', 'bad URL');
    }
    const handled = path.startsWith('/models/')
      ? models(path.slice('/models/'.length), res)
      : siteFile(siteDir, path, req, res);
    handled.catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', e instanceof Error ? e.message : String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
