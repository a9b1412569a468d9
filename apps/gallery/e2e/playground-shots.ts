/**
 * Screenshots of the playground for people to look at: `npx tsx e2e/playground-shots.ts <dist> <outDir>`
 * serves a built site, trains the ring of 8 and the d2l Gaussian for a while at desktop and phone width,
 * and image mode's MLP GAN and DCGAN on Fashion-MNIST, and writes PNGs. `--only <name,...>` picks some.
 */
import { join } from 'node:path';
import { launchChromium, serveStatic } from '@ganforge/inference/testing';
import { CONTENT_TYPES } from '../scripts/content-types';
import type {} from '../src/playground/main';

const [dist, out, flag, picked] = process.argv.slice(2);
const only = flag === '--only' && picked ? new Set(picked.split(',')) : undefined;
if (!dist || !out)
  throw new Error('usage: tsx e2e/playground-shots.ts <built site folder> <folder for the PNGs>');

const server = await serveStatic(dist, { types: CONTENT_TYPES });
const browser = await launchChromium();
try {
  for (const [name, hash, steps, widths] of [
    ['ring8', '#', 3000, [1280, 390]],
    ['d2l', '#preset=d2l', 2500, [1280, 390]],
    ['wgan-gp-grid', '#preset=wgan', 1500, [1280]],
    ['drawn', '#dataset=drawn&drawn=-2,-2,-1,-1,0,0,1,1,2,2,-2,2,2,-2', 1500, [1280]],
    ['fashion-mlp', '#preset=fashion-mlp', 400, [1280]],
    ['fashion-dcgan', '#preset=fashion', 300, [1280]],
    ['fashion-dcgan-phone', '#preset=fashion', 20, [390]],
  ] as const) {
    if (only && !only.has(name)) continue;
    for (const width of widths) {
      const page = await browser.newPage({ viewport: { width, height: width > 800 ? 900 : 844 } });
      page.on(
        'console',
        (m) => m.type() === 'error' && console.log(`[${name} ${width}] console: ${m.text()}`),
      );
      page.on('pageerror', (e) => console.log(`[${name} ${width}] page error: ${e.message}`));
      await page.goto(`${server.url}playground.html${hash}`);
      await page.waitForSelector('#pg-play:not([disabled])');
      await page.evaluate(() => {
        const speed = document.querySelector<HTMLInputElement>('#pg-speed')!;
        speed.value = speed.max;
        speed.dispatchEvent(new Event('input'));
      });
      await page.evaluate((n) => window.playground!.trainUntil(n), steps);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(out, `playground-${name}-${width}.png`), fullPage: true });
      const figures = (await page.isVisible('#pg-metrics')) ? '#pg-metrics' : '#pg-image-metrics';
      console.log(name, width, await page.textContent(figures), await page.textContent('#pg-backend'));
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
