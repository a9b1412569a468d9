/**
 * The whole pipeline on a real run: train the d2l experiment with the trainer, export it with the
 * exporter (checked by the reference ONNX checker), generate with the SDK in Node, then build the
 * gallery on that run and let headless Chromium generate the same model with onnxruntime-web.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportGenerator } from '@ganforge/exporter';
import { loadGenerator } from '@ganforge/inference';
import { RunDir } from '@ganforge/contracts';
import { FileModelIO, resolveConfig, tf, train } from '@ganforge/trainer';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest } from '../scripts/build-manifest';
import { launchChromium, serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { CONTENT_TYPES } from '../scripts/content-types';
import { buildSite } from './site';

const RUN = 'd2l';
const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A command line split into words as a POSIX shell does for plain words and '…' quoting. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** config.json of a run, without `out` (where it went is not what it is). */
function configOf(dir: string): Record<string, unknown> {
  const { out: _out, ...rest } = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return rest;
}

describe('train → export → SDK → gallery, on a real gaussian2d run', () => {
  let tmp: string;
  let runDir: string;
  let server: StaticServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gf-pipeline-'));
    runDir = join(tmp, 'runs', RUN);
    // Settings off the preset's, so the reproduce command has something to carry.
    await train(
      resolveConfig({
        flags: { preset: 'gaussian2d', epochs: 3, seed: 2, batchSize: 16, lrG: 0.01, out: runDir },
      }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('exports an ONNX model that matches TF.js and passes the ONNX checker', async () => {
    const result = await exportGenerator({ run: runDir });
    expect(result.passed).toBe(true);
    expect(result.maxAbsDiff).not.toBeNull();
    expect(result.maxAbsDiff!).toBeLessThan(1e-4);
    const check = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)',
        result.file,
      ],
      { encoding: 'utf8' },
    );
    expect(check.status, check.stderr).toBe(0);
    expect(new RunDir(runDir).readModelCard().export?.maxAbsDiff).toBe(result.maxAbsDiff);
  });

  it('generates with the SDK in Node what the TF.js generator computes', async () => {
    const g = await loadGenerator(join(runDir, 'generator.onnx'));
    expect(g.info.kind).toBe('points');
    expect(g.info.latentDim).toBe(2);
    const out = await g.sample({ count: 50, seed: 11 });
    if (out.kind !== 'points') throw new Error('expected points');
    const tfModel = await tf.loadLayersModel(new FileModelIO(join(runDir, 'generator')));
    const z = tf.tensor2d(out.latents, [50, 2]);
    const ref = (tfModel.predict(z) as tf.Tensor).dataSync();
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - out.points[i]!));
    expect(worst).toBeLessThan(1e-4);
    tfModel.dispose();
    z.dispose();
    await g.dispose();
  });

  it('shows the run in the built gallery, generated in Chromium with no console errors', async () => {
    buildManifest({ runsDir: join(tmp, 'runs'), outDir: join(tmp, 'public', 'models') });
    await buildSite(tmp);
    server = await serveStatic(join(tmp, 'dist'), { types: CONTENT_TYPES });
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('worker', (w) =>
      w.on('console', (m) => m.type() === 'error' && errors.push(`worker: ${m.text()}`)),
    );
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.locator(`tr[data-run="${RUN}"] a.run-link`).click();
    await page.waitForSelector('canvas.output[data-state="ready"]', { timeout: 60_000 });
    const counts = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.output')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let orange = 0;
      let blue = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i]! > 200 && d[i + 1]! > 100 && d[i + 1]! < 200 && d[i + 2]! < 120) orange++;
        if (d[i + 2]! > 150 && d[i]! < 120) blue++;
      }
      return { orange, blue };
    });
    // Generated (orange) over real (blue) points, both present.
    expect(counts.orange).toBeGreaterThan(100);
    expect(counts.blue).toBeGreaterThan(100);

    // "How to reproduce" reproduces: its train command, run for real, resolves to the same config.json.
    const command = (await page.locator('.reproduce .command code').first().textContent()) ?? '';
    const words = shellWords(command);
    // The installed CLI's command, which works in a user's project too (not the workspace's nx target).
    expect(words.slice(0, 3)).toEqual(['npx', 'ganforge', 'train']);
    expect(words).toEqual(
      expect.arrayContaining(['--batch-size=16', '--lr-g=0.01', '--epochs=3', '--seed=2']),
    );
    const again = join(tmp, 'reproduced');
    // The bin npx runs.
    const rerun = spawnSync(
      join(workspace, 'node_modules/.bin/ganforge'),
      ['train', ...words.slice(3), `--out=${again}`, '--quiet'],
      { cwd: workspace, encoding: 'utf8', timeout: 120_000 },
    );
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(configOf(again)).toEqual(configOf(runDir));
    expect(await page.locator('.reproduce .versions').textContent()).toMatch(/@tensorflow\/tfjs \d/);
    expect(errors).toEqual([]);
  });
});
