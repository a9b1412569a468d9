import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defaultClientConditions, defaultServerConditions, defineConfig, type Plugin } from 'vite';
import { ganforgeOrt, ORT_WEBGPU_FILES } from '@ganforge/inference/vite';
import { CONTENT_TYPES } from './scripts/content-types';
import { CROSS_ORIGIN_ISOLATION } from './scripts/isolation';

const appDir = dirname(fileURLToPath(import.meta.url));
const SW_FILE = 'sw.js';
/** The one run file the app itself needs: the list of runs. */
const MANIFEST = 'models/manifest.json';

/**
 * Builds src/sw.ts into sw.js at the site's root (a service worker controls only its folder and below),
 * with the list of app files it saves and a version: a hash of those files, so that any change to the
 * site makes a new worker.
 */
/** The WebGPU runtime's files as the SDK's plugin emits them (its default folder, ort/). */
const WEBGPU_RUNTIME = new Set<string>(ORT_WEBGPU_FILES.map((f) => `ort/${f}`));

function offlineWorker(): Plugin {
  let building = false;
  let publicDir = '';
  return {
    name: 'ganforge-offline-worker',
    // The page registers the worker only where there is one (see src/offline.ts).
    config: (_config, { command }) => ({
      define: { __GANFORGE_SERVICE_WORKER__: JSON.stringify(command === 'build') },
    }),
    configResolved(config) {
      building = config.command === 'build';
      publicDir = config.publicDir;
    },
    buildStart() {
      if (building) this.emitFile({ type: 'chunk', id: join(appDir, 'src/sw.ts'), fileName: SW_FILE });
    },
    generateBundle(_options, bundle) {
      const sw = bundle[SW_FILE];
      if (!sw || sw.type !== 'chunk') return;
      const version = createHash('sha256');
      // The page itself is saved under the site's root URL, which is what a visit navigates to.
      const files = ['./'];
      for (const name of Object.keys(bundle).sort()) {
        const file = bundle[name];
        if (!file || name === SW_FILE || name.endsWith('.map')) continue;
        // The WebGPU runtime (27 MB) is fetched only by a playground run on a GPU, not saved for everyone.
        if (WEBGPU_RUNTIME.has(name)) continue;
        if (name !== 'index.html') files.push(name);
        version.update(name).update(file.type === 'chunk' ? file.code : file.source);
      }
      const manifest = publicDir ? join(publicDir, MANIFEST) : '';
      if (manifest && existsSync(manifest)) {
        files.push(MANIFEST);
        version.update(MANIFEST).update(readFileSync(manifest));
      }
      sw.code = sw.code
        .replace('__GANFORGE_APP_FILES__', JSON.stringify(files))
        .replace('__GANFORGE_APP_VERSION__', JSON.stringify(version.digest('hex').slice(0, 16)));
    },
  };
}

/** Content types of the files that get compressed copies: text and wasm. */
const ENCODED_TYPES = Object.fromEntries(
  Object.entries(CONTENT_TYPES).filter(([ext]) => ext !== '.png' && ext !== '.onnx'),
);

/** Text and wasm shrink a lot; PNGs and ONNX weights (about 7%) are not worth a second copy. */
const COMPRESSIBLE = new Set(Object.keys(ENCODED_TYPES));
const MIN_BYTES = 1024;
/** Only files this large are worth caching (small ones compress in milliseconds). */
const CACHE_BYTES = 256 * 1024;
/** A compressed copy is kept only when it is at most this fraction of the original. */
const MAX_RATIO = 0.9;

/** Content-Encoding and file suffix, best first. */
const ENCODINGS = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;
type Encoding = (typeof ENCODINGS)[number]['encoding'];

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

function compress(encoding: Encoding, data: Buffer): Promise<Buffer> {
  if (encoding === 'gzip') return gz(data, { level: 9 });
  return brotli(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
}

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** Writes `.br` and `.gz` copies of the compressible files under `dir`; returns how many it wrote. */
async function precompressDir(dir: string, cacheDir: string): Promise<number> {
  mkdirSync(cacheDir, { recursive: true });
  let written = 0;
  for (const path of [...files(dir)]) {
    if (!COMPRESSIBLE.has(extname(path)) || statSync(path).size < MIN_BYTES) continue;
    const data = readFileSync(path);
    const hash = createHash('sha256').update(data).digest('hex');
    for (const { encoding, suffix } of ENCODINGS) {
      const cached = data.length >= CACHE_BYTES ? join(cacheDir, `${hash}${suffix}`) : null;
      let packed: Buffer;
      if (cached && existsSync(cached)) packed = readFileSync(cached);
      else {
        packed = await compress(encoding, data);
        if (cached) writeFileSync(cached, packed);
      }
      if (packed.length > data.length * MAX_RATIO) continue;
      writeFileSync(`${path}${suffix}`, packed);
      written++;
    }
  }
  return written;
}

/** The encodings an Accept-Encoding header allows (q=0 excludes one). */
function accepted(header: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) out.add(name);
  }
  return out;
}

/** The best pre-compressed copy of `file` the request accepts, if there is one. */
function pickEncoded(
  file: string,
  acceptEncoding: string | undefined,
): { path: string; encoding: Encoding } | null {
  const ok = accepted(acceptEncoding);
  for (const { encoding, suffix } of ENCODINGS) {
    if ((ok.has(encoding) || ok.has('*')) && existsSync(`${file}${suffix}`)) {
      return { path: `${file}${suffix}`, encoding };
    }
  }
  return null;
}

/**
 * Middleware (connect-style, as `vite preview` uses) that answers GET/HEAD requests for files under
 * `root` that have a pre-compressed copy the browser accepts, and leaves everything else to `next`.
 */
function servePrecompressed(root: string) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return next();
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep)) return next();
    const send = (body: Buffer, headers: Record<string, string | number>) => {
      res.writeHead(200, { ...headers, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    // A gzipped data file (the bundled Fashion-MNIST IDX) is a file of its own: the static server would
    // label it `Content-Encoding: gzip`, the browser would unzip it, and the page would unzip it again.
    if (extname(file) === '.gz' && existsSync(file) && statSync(file).isFile()) {
      return send(readFileSync(file), { 'Content-Type': 'application/gzip' });
    }
    const type = ENCODED_TYPES[extname(file)];
    if (!type) return next();
    const encoded = pickEncoded(file, req.headers['accept-encoding']);
    if (!encoded) return next();
    send(readFileSync(encoded.path), {
      'Content-Type': type,
      'Content-Encoding': encoded.encoding,
      Vary: 'Accept-Encoding',
    });
  };
}

/**
 * Brotli and gzip copies of the built site's text and wasm files (`<file>.br`, `<file>.gz`), which
 * `vite preview` (and any static host set up for it, like the test server) sends to browsers that accept
 * them: the 14 MB runtime travels as about 2.2 MB. Brotli at its best quality takes about 30 s for the
 * runtime, so large files' compressed copies are cached by content hash in Vite's cache folder.
 */
function precompressed(): Plugin {
  let outDir: string | undefined;
  let cacheDir = '';
  return {
    name: 'ganforge-precompress',
    configResolved(config) {
      if (config.command === 'build') outDir = resolve(config.root, config.build.outDir);
      cacheDir = join(config.cacheDir, 'precompress');
    },
    async closeBundle() {
      if (outDir) await precompressDir(outDir, cacheDir);
    },
    configurePreviewServer(server) {
      server.middlewares.use(servePrecompressed(resolve(server.config.root, server.config.build.outDir)));
    },
  };
}

/**
 * Cross-origin isolation (scripts/isolation.ts) on every response of the dev and preview servers,
 * the SDK plugin's runtime files and the pre-compressed copies included: this plugin comes first, so
 * its middleware sets the headers before any other answers.
 */
function isolated(): Plugin {
  const headers = (_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION)) res.setHeader(name, value);
    next();
  };
  return {
    name: 'ganforge-cross-origin-isolation',
    configureServer: (server) => void server.middlewares.use(headers),
    configurePreviewServer: (server) => void server.middlewares.use(headers),
  };
}

// Vite's dev server injects <style> tags and talks over a websocket; the built site needs neither.
function devCsp(): Plugin {
  return {
    name: 'ganforge-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: wss:"),
  };
}

export default defineConfig({
  // Relative asset URLs: the built site works from any folder or sub-path.
  base: './',
  // The SDK's plugin serves onnxruntime-web's runtimes under ort/ and points 'onnxruntime-web' at its
  // wasm-only build, 'onnxruntime-web/webgpu' (the playground's compiled step on a GPU) at its WebGPU one
  // (see the SDK's README).
  plugins: [isolated(), ganforgeOrt({ webgpu: 'also' }), offlineWorker(), precompressed(), devCsp()],
  // Workspace packages resolve to their TypeScript sources here (their "@ganforge/source" export condition).
  ssr: { resolve: { conditions: ['@ganforge/source', ...defaultServerConditions] } },
  resolve: { conditions: ['@ganforge/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // Never inline assets as data: URLs; the Content-Security-Policy allows images from 'self' only.
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: { main: join(appDir, 'index.html'), playground: join(appDir, 'playground.html') },
    },
  },
});
