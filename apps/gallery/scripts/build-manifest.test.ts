import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CGAN_RUN, IMAGE_RUN, POINTS_RUN, writeFixtureRuns } from '../e2e/fixture';
import { buildManifest, ManifestError } from './build-manifest';

describe('buildManifest', () => {
  let tmp: string;
  let runsDir: string;
  let outDir: string;
  const warnings: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gallery-manifest-'));
    runsDir = join(tmp, 'runs');
    outDir = join(tmp, 'public', 'models');
    await writeFixtureRuns(runsDir);
    // Not exported yet: no generator.onnx, so it is left out silently.
    mkdirSync(join(runsDir, 'still-training'), { recursive: true });
    // Exported but its model card is broken: skipped with a warning.
    mkdirSync(join(runsDir, 'broken'), { recursive: true });
    writeFileSync(join(runsDir, 'broken', 'generator.onnx'), 'x');
    writeFileSync(join(runsDir, 'broken', 'model-card.json'), '{"name": 1}');
    // A stale file from an earlier build must disappear.
    mkdirSync(join(outDir, 'old-run'), { recursive: true });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('copies exported runs and lists them', () => {
    const manifest = buildManifest({ runsDir, outDir, warn: (m) => warnings.push(m) });
    expect(manifest.runs.map((r) => r.name)).toEqual([CGAN_RUN, IMAGE_RUN, POINTS_RUN]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('broken');
    expect(warnings[0]).toContain('model-card.json');
    expect(existsSync(join(outDir, 'old-run'))).toBe(false);
    expect(existsSync(join(outDir, 'broken'))).toBe(false);

    const written = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    expect(written).toEqual(manifest);

    const points = manifest.runs.find((r) => r.name === POINTS_RUN);
    expect(points?.card.output).toEqual({ kind: 'points', dims: 2 });
    expect(points?.files.realPoints).toBe(`${POINTS_RUN}/real-points.json`);
    expect(points?.files.samples).toEqual([1, 2, 3].map((e) => `${POINTS_RUN}/samples/epoch-000${e}.png`));
    expect(points?.thumbnail).toBe(`${POINTS_RUN}/samples/epoch-0003.png`);
    expect(manifest.runs.find((r) => r.name === CGAN_RUN)?.card.classNames).toEqual([
      'T-shirt',
      'Trouser',
      'Bag',
    ]);
    const image = manifest.runs.find((r) => r.name === IMAGE_RUN);
    expect(image?.files.realPoints).toBeNull();

    for (const run of manifest.runs) {
      const files = [
        run.files.onnx,
        run.files.modelCard,
        run.files.metrics,
        run.files.realPoints,
        ...run.files.samples,
      ];
      for (const f of files) if (f) expect(existsSync(join(outDir, f)), f).toBe(true);
      expect(readFileSync(join(outDir, run.files.onnx))).toEqual(
        readFileSync(join(runsDir, run.name, 'generator.onnx')),
      );
    }

    const metrics = JSON.parse(readFileSync(join(outDir, POINTS_RUN, 'metrics.json'), 'utf8'));
    expect(metrics.map((m: { epoch: number }) => m.epoch)).toEqual([1, 2, 3]);
    const real = JSON.parse(readFileSync(join(outDir, POINTS_RUN, 'real-points.json'), 'utf8'));
    expect(real.points).toHaveLength(200);
  });

  it('says where to look when the runs folder is missing', () => {
    expect(() => buildManifest({ runsDir: join(tmp, 'nope'), outDir })).toThrow(ManifestError);
    expect(() => buildManifest({ runsDir: join(tmp, 'nope'), outDir })).toThrow(/--runs/);
  });
});
