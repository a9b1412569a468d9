/**
 * Screenshots for people to look at: `npx tsx e2e/ganlab-shots.ts <outDir>` builds the site over the
 * chart fixture runs (e2e/chart-fixture.ts) and writes, at 1280 and 390 px, the playground in slow
 * motion (the ring of 8 after 300 steps, stopped at G's gradients), a run's page (its charts, the
 * timeline in before / after) and the comparison (the synced pictures, charts and settings).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { buildManifest } from '../scripts/build-manifest';
import { CONTENT_TYPES } from '../scripts/content-types';
import type {} from '../src/playground/main';
import { writeChartRuns } from './chart-fixture';
import { IMAGE_RUN, POINTS_RUN } from './fixture';
import { buildSite } from './site';

const outArg = process.argv[2];
if (!outArg) throw new Error('usage: tsx e2e/ganlab-shots.ts <folder for the PNGs>');
const out: string = outArg;
mkdirSync(out, { recursive: true });

async function playground(browser: Browser, server: StaticServer, width: number): Promise<void> {
  const page = await browser.newPage({ viewport: { width, height: width > 800 ? 900 : 844 } });
  await page.goto(`${server.url}playground.html#backend=cpu`);
  await page.waitForSelector('#pg-play:not([disabled])');
  await page.evaluate(() => window.playground!.trainUntil(300));
  await page.click('#pg-slow');
  for (let i = 0; i < 9; i++) {
    const drawn = page.evaluate(() => window.playground!.nextSnapshot());
    await page.click('#pg-next-stage');
    await drawn;
  }
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(out, `playground-slow-motion-${width}.png`), fullPage: true });
  console.log(width, await page.textContent('#pg-stage'));
  await page.close();
}

async function galleryPages(browser: Browser, server: StaticServer, width: number): Promise<void> {
  const page = await browser.newPage({ viewport: { width, height: width > 800 ? 900 : 844 } });
  await page.goto(`${server.url}#/model/${IMAGE_RUN}?seed=1`);
  await page.waitForSelector('.chart .uplot');
  await page.check('#epoch-compare');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, `run-page-${width}.png`), fullPage: true });
  await page.goto(`${server.url}#/compare?runs=${IMAGE_RUN},${POINTS_RUN}&seed=4`);
  await page.waitForSelector('.compare-figure[data-state="ready"]');
  await page.waitForSelector('.compare-charts .uplot');
  await page.check('#compare-step-compare');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, `compare-page-${width}.png`), fullPage: true });
  await page.close();
}

const tmp = mkdtempSync(join(tmpdir(), 'ganlab-shots-'));
try {
  await writeChartRuns(join(tmp, 'runs'));
  mkdirSync(join(tmp, 'public'));
  buildManifest({ runsDir: join(tmp, 'runs'), outDir: join(tmp, 'public', 'models') });
  const server = await serveStatic(await buildSite(tmp), { types: CONTENT_TYPES });
  const browser = await launchChromium();
  try {
    for (const width of [1280, 390]) {
      await playground(browser, server, width);
      await galleryPages(browser, server, width);
    }
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
