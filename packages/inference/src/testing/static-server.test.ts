/**
 * The testing subpath's static server, over real HTTP: files and in-memory files, the pre-compressed
 * copy a request's Accept-Encoding allows, cache headers, paths outside the root refused, the byte log,
 * headers given for every response.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from './index';
import type { StaticServer } from './index';

let root: string;
let server: StaticServer;
const page = '<!doctype html><title>t</title>' + 'x'.repeat(2000);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ganforge-static-'));
  await mkdir(join(root, 'ort'));
  await writeFile(join(root, 'index.html'), page);
  await writeFile(join(root, 'index.html.br'), brotliCompressSync(page));
  await writeFile(join(root, 'ort', 'rt.wasm'), new Uint8Array([0, 97, 115, 109]));
  await writeFile(join(root, 'data.png'), new Uint8Array([1, 2, 3]));
  server = await serveStatic(root, {
    files: { 'models/g.onnx': new Uint8Array([7, 8]) },
    types: { '.png': 'image/png' },
  });
});
afterAll(async () => {
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A GET; fetch decodes a compressed body, so the server's log tells the bytes that went over the wire. */
async function get(path: string, acceptEncoding = '') {
  const res = await fetch(new URL(path, server.url), { headers: { 'accept-encoding': acceptEncoding } });
  return { res, body: new Uint8Array(await res.arrayBuffer()) };
}

describe('serveStatic', () => {
  it('sends the brotli copy only when the request accepts it, and logs the bytes sent', async () => {
    server.log.length = 0;
    const plain = await get('/', 'gzip');
    expect(plain.res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(plain.res.headers.get('cache-control')).toBe('no-cache');
    expect(new TextDecoder().decode(plain.body)).toBe(page);
    const refused = await get('/', 'br;q=0, gzip');
    expect(refused.res.headers.get('content-encoding')).toBeNull();
    const br = await get('/', 'gzip, br');
    expect(br.res.headers.get('content-encoding')).toBe('br');
    expect(br.res.headers.get('vary')).toBe('Accept-Encoding');
    expect(new TextDecoder().decode(br.body)).toBe(page);
    const packed = server.log.at(-1)!;
    expect(packed.raw).toBe(page.length);
    expect(packed.sent).toBeLessThan(page.length);
    expect(server.sent.get('/')).toBe(2 * page.length + packed.sent);
    server.precompressed = false;
    expect((await get('/', 'br')).res.headers.get('content-encoding')).toBeNull();
    server.precompressed = true;
  });

  it('serves wasm, the given content types, in-memory files, and lets ort/ be cached', async () => {
    const wasm = await get('/ort/rt.wasm');
    expect(wasm.res.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect((await get('/data.png')).res.headers.get('content-type')).toBe('image/png');
    const model = await get('/models/g.onnx');
    expect(model.res.status).toBe(200);
    expect(Array.from(model.body)).toEqual([7, 8]);
    expect((await get('/missing.js')).res.status).toBe(404);
    expect((await get('/..%2f..%2fetc/passwd')).res.status).toBe(403);
  });

  it('sends the given headers with every response', async () => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    };
    const isolated = await serveStatic(root, { files: { 'models/g.onnx': new Uint8Array([7]) }, headers });
    try {
      for (const path of ['/', '/ort/rt.wasm', '/models/g.onnx', '/missing.js']) {
        const res = await fetch(new URL(path, isolated.url));
        expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
        expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      }
      // The server's own headers stay its own.
      expect((await fetch(new URL('/ort/rt.wasm', isolated.url))).headers.get('content-type')).toBe(
        'application/wasm',
      );
    } finally {
      await isolated.close();
    }
  });
});
