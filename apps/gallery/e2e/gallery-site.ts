/**
 * The gallery as its browser tests open it: fixture runs (their generators checked by the ONNX checker),
 * the site built over them and served, Chromium with one page whose console errors, page errors and
 * failed requests are collected.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium, serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { buildManifest } from '../scripts/build-manifest';
import { CONTENT_TYPES } from '../scripts/content-types';
import { classifierModel, foreignModel, writeFixtureRuns } from './fixture';
import { buildSite } from './site';

export interface Gallery {
  /** Holds runs/, public/, dist/ and the files to open (foreign.onnx, notes.txt, classifier.onnx). */
  tmp: string;
  server: StaticServer;
  browser: Browser;
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function openGallery(): Promise<Gallery> {
  const tmp = mkdtempSync(join(tmpdir(), 'gallery-e2e-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const runs = await writeFixtureRuns(join(tmp, 'runs'));
    writeFileSync(join(tmp, 'foreign.onnx'), foreignModel());
    writeFileSync(join(tmp, 'notes.txt'), 'not a model, just some text\n');
    writeFileSync(join(tmp, 'classifier.onnx'), classifierModel());
    // The fixture generators must be real ONNX: ask the reference checker.
    for (const file of [
      runs.points.onnxPath,
      runs.image.onnxPath,
      runs.cgan.onnxPath,
      join(tmp, 'foreign.onnx'),
      join(tmp, 'classifier.onnx'),
    ]) {
      const check = spawnSync(
        '/usr/bin/python3',
        ['-c', 'import onnx,sys; onnx.checker.check_model(sys.argv[1], full_check=True)', file],
        { encoding: 'utf8' },
      );
      expect(check.status, check.stderr).toBe(0);
    }
    buildManifest({ runsDir: join(tmp, 'runs'), outDir: join(tmp, 'public', 'models') });
    await buildSite(tmp);
    server = await serveStatic(join(tmp, 'dist'), { types: CONTENT_TYPES });
    browser = await launchChromium();
    const page = await browser.newPage({ acceptDownloads: true });
    const consoleErrors: string[] = [];
    const record = (where: string) => (msg: { type(): string; text(): string }) => {
      if (msg.type() === 'error') consoleErrors.push(`${where}: ${msg.text()}`);
    };
    page.on('console', record('page'));
    page.on('worker', (w) => w.on('console', record('worker')));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) consoleErrors.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    return { tmp, server, browser, page, consoleErrors, close };
  } catch (e) {
    await close();
    throw e;
  }
}
