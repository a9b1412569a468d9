/**
 * The live server's own rules, without a browser: a run folder that is a link is not served even when
 * asked for by name; one scan of the runs folder answers a burst of requests; the built site is read once;
 * every answer carries the cross-origin isolation headers.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_RUN, writeFixtureRuns } from '../e2e/fixture';
import { CROSS_ORIGIN_ISOLATION } from './isolation';
import { startLiveServer, type LiveServer } from './live-server';

let tmp: string;
let runsDir: string;
let siteDir: string;
const servers: LiveServer[] = [];

async function serve(scanMaxAgeMs: number): Promise<string> {
  const server = await startLiveServer({ runsDir, siteDir, scanMaxAgeMs });
  servers.push(server);
  return server.url;
}

const names = async (url: string) =>
  ((await (await fetch(`${url}models/manifest.json`)).json()) as { runs: { name: string }[] }).runs.map(
    (r) => r.name,
  );

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gallery-live-server-'));
  runsDir = join(tmp, 'runs');
  siteDir = join(tmp, 'site');
  mkdirSync(siteDir);
  writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>first</title>');
  await writeFixtureRuns(runsDir);
  cpSync(join(runsDir, IMAGE_RUN), join(tmp, 'elsewhere'), { recursive: true });
  symlinkSync(join(tmp, 'elsewhere'), join(runsDir, 'linked-run'));
});

afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the live server', () => {
  it('serves no file of a run folder that is a symbolic link, asked for by name', async () => {
    const url = await serve(0);
    expect(await names(url)).not.toContain('linked-run');
    const res = await fetch(`${url}models/linked-run/model-card.json`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('symbolic link');
    expect((await fetch(`${url}models/${IMAGE_RUN}/model-card.json`)).status).toBe(200);
  });

  it('answers a burst of manifest requests from one scan of the runs folder', async () => {
    const cached = await serve(60_000);
    const fresh = await serve(0);
    const before = await names(cached);
    const burst = await Promise.all(Array.from({ length: 50 }, () => names(cached)));
    expect(new Set(burst.map((b) => b.join()))).toEqual(new Set([before.join()]));
    cpSync(join(runsDir, IMAGE_RUN), join(runsDir, 'added-run'), { recursive: true });
    try {
      expect(await names(cached)).toEqual(before);
      expect(await names(fresh)).toContain('added-run');
    } finally {
      rmSync(join(runsDir, 'added-run'), { recursive: true, force: true });
    }
  });

  it('reads each file of the built site once', async () => {
    const url = await serve(0);
    expect(await (await fetch(url)).text()).toContain('first');
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>second</title>');
    expect(await (await fetch(url)).text()).toContain('first');
  });

  it('makes every page cross-origin isolated: site files, run files, the manifest and errors', async () => {
    const url = await serve(0);
    for (const path of ['', 'models/manifest.json', `models/${IMAGE_RUN}/model-card.json`, 'nothing.js']) {
      const res = await fetch(`${url}${path}`);
      for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION)) {
        expect(res.headers.get(name)).toBe(value);
      }
    }
  });
});
