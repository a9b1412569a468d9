/**
 * The README's own commands for the built site, run as a user runs them: `npm run build` then
 * `npm run preview` (Vite's command line through scripts/vite-cli.ts, from a plain Node process, not the
 * test runner's bundler). The bundled Fashion-MNIST `.gz` file must reach the browser as the gzip file it
 * is (a `Content-Encoding: gzip` label had the browser unzip it and the page unzip it again), the app's
 * own files still travel compressed, every answer carries the cross-origin isolation headers (the
 * runtime's files and the compressed copies too), and the playground's image mode trains from that
 * server, cross-origin isolated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@ganforge/inference/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Its Window.playground declaration types the page's handle below.
import type { PlaygroundHandle } from '../src/playground/main';
import { CROSS_ORIGIN_ISOLATION } from '../scripts/isolation';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = resolve(appDir, '../../node_modules/.bin/tsx');
let tmp: string;
let dist: string;
let preview: ChildProcess | undefined;
let url: string;
let browser: Browser;

/** Runs Vite's command line to the end; resolves with its exit code and output. */
function viteCli(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((ok) => {
    const child = spawn(tsx, ['scripts/vite-cli.ts', ...args], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('exit', (status) => ok({ status, output }));
  });
}

/** ANSI colour codes (the test runner may force colour on child processes). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Starts `vite preview` on a free port and resolves with its address once it listens. */
function startPreview(): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(
      tsx,
      ['scripts/vite-cli.ts', 'preview', '--outDir', dist, '--port', '0', '--strictPort'],
      {
        cwd: appDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
    );
    preview = child;
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`vite preview printed no address in 60 s: ${out}`)),
      60_000,
    );
    const onData = (b: Buffer) => {
      out += b.toString().replace(ANSI, '');
      const m = /(http:\/\/localhost:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => fail(new Error(`vite preview exited with ${code}: ${out}`)));
  });
}

// The build compresses the 14 MB runtime at brotli's best quality (cached after the first build of any
// test); on a busy 2-core machine that alone can take minutes.
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ganforge-preview-'));
  dist = join(tmp, 'dist');
  const built = await viteCli(['build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn']);
  expect(built.status, built.output).toBe(0);
  url = await startPreview();
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  preview?.kill();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('vite preview of the built site', () => {
  it('sends the bundled .gz data file as a gzip file and the app compressed', async () => {
    const data = readdirSync(join(dist, 'assets')).find((f) => /^t10k-images.*\.gz$/.test(f));
    expect(data).toBeDefined();
    const res = await fetch(`${url}assets/${data}`, { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('content-type')).toBe('application/gzip');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);

    const app = readdirSync(join(dist, 'assets')).find((f) => /^main-.*\.js$/.test(f));
    const js = await fetch(`${url}assets/${app}`, { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(js.headers.get('content-encoding')).toBe('br');

    for (const path of ['playground.html', `assets/${app}`, 'ort/ort-wasm-simd-threaded.mjs']) {
      const res = await fetch(`${url}${path}`, { headers: { 'Accept-Encoding': 'gzip, br' } });
      for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION)) {
        expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      }
    }
  });

  it('trains the playground image mode from it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(
      `${url}playground.html#mode=images&imageModel=mlp&images=500&hiddenG=32&hiddenD=32&latentDim=8&batchSize=16&seed=2`,
    );
    await page.waitForSelector('#pg-play:not([disabled])');
    expect(await page.getAttribute('#app', 'data-mode')).toBe('images');
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    const s = await page.evaluate(async () => {
      const h: PlaygroundHandle = window.playground!;
      const snap = await h.trainUntil(3);
      return { step: snap.step, images: snap.images?.length, real: snap.coverage?.count };
    });
    expect(s).toEqual({ step: 3, images: 64 * 28 * 28, real: 500 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
