/**
 * The live gallery (scripts/live-server.ts, what `nx run gallery:serve` starts): a real training run
 * started while the page is open appears on the index once its first epoch lands, and its page follows
 * it (pictures, curve points, status) with no reload and no rebuild.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest } from '../scripts/build-manifest';
import { startLiveServer, type LiveServer } from '../scripts/live-server';
import { IMAGE_RUN, writeFixtureRuns } from './fixture';
import { launchChromium } from '@ganforge/inference/testing';
import { buildSite } from './site';

const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const GANFORGE = join(workspace, 'node_modules/.bin/ganforge');
const LIVE_RUN = 'live-tiny';

/** Points on the page's loss chart right now (0 before it is drawn). */
function curvePoints(page: Page): Promise<number> {
  return page.evaluate(() =>
    Number(document.querySelector('.chart.loss-steps')?.getAttribute('data-points') ?? 0),
  );
}

describe('live gallery over a runs folder', () => {
  let tmp: string;
  let server: LiveServer | undefined;
  let browser: Browser | undefined;
  let trainer: ChildProcess | undefined;
  let trainerLog = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gallery-live-'));
    await writeFixtureRuns(join(tmp, 'runs'));
    // The built site as `gallery:build` makes it; its own models/ are shadowed by the live runs.
    buildManifest({ runsDir: join(tmp, 'runs'), outDir: join(tmp, 'public', 'models') });
    const site = await buildSite(tmp);
    server = await startLiveServer({ runsDir: join(tmp, 'runs'), siteDir: site });
    browser = await launchChromium();
  });

  afterAll(async () => {
    if (trainer && trainer.exitCode === null) {
      trainer.kill('SIGKILL');
      await new Promise((r) => trainer?.once('exit', r));
    }
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the runs folder as it is, marked live, and only the files of a run', async () => {
    const manifest = (await (await fetch(`${server!.url}models/manifest.json`)).json()) as {
      live: boolean;
      runs: { name: string }[];
    };
    expect(manifest.live).toBe(true);
    expect(manifest.runs.map((r) => r.name)).toContain(IMAGE_RUN);
    expect((await fetch(`${server!.url}models/${IMAGE_RUN}/model-card.json`)).status).toBe(200);
    // state.json and config.json are summarised in the manifest, not served; nor is anything outside a run.
    expect((await fetch(`${server!.url}models/${IMAGE_RUN}/state.json`)).status).toBe(404);
    expect((await fetch(`${server!.url}models/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${server!.url}models/no-such-run/model-card.json`)).status).toBe(404);
  });

  it('shows a run started while the page is open, and follows it until it stops', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(server!.url);
    await page.locator(`tr[data-run="${IMAGE_RUN}"]`).waitFor();
    expect(await page.locator('.live-note').count()).toBe(1);
    expect(await page.locator(`tr[data-run="${LIVE_RUN}"]`).count()).toBe(0);
    // Anything the page keeps is lost on a reload: this marker says there was none.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    // A real run, far longer than the test needs: the test stops it once it has seen it grow.
    trainer = spawn(
      GANFORGE,
      ['train', '--preset=tiny', '--epochs=100000', '--quiet', `--out=${join(tmp, 'runs', LIVE_RUN)}`],
      {
        cwd: workspace,
        env: { ...process.env, NX_WORKSPACE_ROOT: workspace },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    trainer.stdout?.on('data', (d: Buffer) => (trainerLog += d.toString()));
    trainer.stderr?.on('data', (d: Buffer) => (trainerLog += d.toString()));

    // It appears on the index once its first epoch is written: running, not exported.
    const row = page.locator(`tr[data-run="${LIVE_RUN}"]`);
    await row.waitFor({ timeout: 90_000 }).catch((e: unknown) => {
      throw new Error(`${String(e)}\ntrainer output:\n${trainerLog}`);
    });
    expect(await row.getAttribute('data-status')).toBe('running');
    expect(await row.locator('.tag').textContent()).toBe('not exported');

    await row.locator('a.run-link').click();
    await page.waitForSelector('.run-meta [data-status="running"]');
    await page.waitForSelector('.chart.loss-steps .uplot', { timeout: 60_000 });
    const before = await curvePoints(page);
    const frames = await page.locator('#epoch').getAttribute('max');
    // The curve grows and new epoch pictures arrive, on the same page.
    await page.waitForFunction((n) => {
      const c = document.querySelector('.chart.loss-steps');
      return Number(c?.getAttribute('data-points') ?? 0) > n;
    }, before);
    await page.waitForFunction(
      (n) => Number(document.querySelector('#epoch')?.getAttribute('max') ?? 0) > Number(n),
      frames,
    );
    expect(await curvePoints(page)).toBeGreaterThan(before);

    // Ctrl-C: the trainer checkpoints, writes its state and exits 130; the page says interrupted.
    const exited = new Promise<number | null>((r) => trainer?.once('exit', (code) => r(code)));
    trainer.kill('SIGINT');
    expect(await exited).toBe(130);
    await page.waitForSelector('.run-meta [data-status="interrupted"]');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.goto(`${server!.url}#/`);
    await page.waitForSelector(`tr[data-run="${LIVE_RUN}"][data-status="interrupted"]`);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
