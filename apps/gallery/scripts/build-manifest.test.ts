import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  linkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CGAN_RUN, IMAGE_RUN, POINTS_RUN, writeFixtureRuns } from '../e2e/fixture';
import { RunDir } from '@ganforge/contracts';
import { resolveConfig } from '@ganforge/trainer';
import { buildManifest, ManifestError, overridesOf, planRun, readMetrics } from './build-manifest';

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
    // Not a run yet (its first epoch has not ended: no model card): left out silently.
    mkdirSync(join(runsDir, 'just-started'), { recursive: true });
    writeFileSync(join(runsDir, 'just-started', 'config.json'), '{}');
    // Training, not exported: listed with its pictures and curves but no generator.
    cpSync(join(runsDir, IMAGE_RUN), join(runsDir, 'still-training'), { recursive: true });
    rmSync(join(runsDir, 'still-training', 'generator.onnx'));
    const training = new RunDir(join(runsDir, 'still-training'));
    training.writeConfig({
      ...resolveConfig({ flags: { preset: 'mlp', epochs: 3, lrG: 1e-3 } }),
      out: training.root,
    });
    training.writeState({
      status: 'running',
      epoch: 2,
      epochs: 3,
      step: 20,
      seed: 1,
      backend: 'wasm',
      startedAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:01:00.000Z',
      wallTimeSec: 60,
    });
    cpSync(join(runsDir, POINTS_RUN), join(runsDir, 'older-trainer'), { recursive: true });
    rmSync(join(runsDir, 'older-trainer', 'state.json'));
    rmSync(join(runsDir, 'older-trainer', 'config.json'));
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
    expect(manifest.runs.map((r) => r.name)).toEqual([
      'older-trainer',
      'still-training',
      CGAN_RUN,
      IMAGE_RUN,
      POINTS_RUN,
    ]);
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
      if (run.name === 'still-training') continue;
      expect(readFileSync(join(outDir, run.files.onnx ?? 'missing'))).toEqual(
        readFileSync(join(runsDir, run.name, 'generator.onnx')),
      );
    }

    // The run still training: its status, progress and the settings that differ from its preset.
    const live = manifest.runs.find((r) => r.name === 'still-training');
    expect(live).toMatchObject({
      status: 'running',
      startedAt: '2026-12-01T10:00:00.000Z',
      overrides: { epochs: 3, lrG: 1e-3 },
      progress: { epoch: 2, step: 20, samples: 2 },
      files: { onnx: null },
    });
    expect(live?.progress.curvePoints).toBeGreaterThan(5);
    expect(existsSync(join(outDir, 'still-training', 'generator.onnx'))).toBe(false);
    expect(image).toMatchObject({ status: 'interrupted', overrides: { epochs: 2, lrG: 1e-3 } });
    // A run without state.json or config.json (an older trainer): no status, nothing to compare.
    expect(manifest.runs.find((r) => r.name === 'older-trainer')).toMatchObject({
      status: null,
      startedAt: null,
      config: null,
      overrides: {},
    });

    const metrics = JSON.parse(readFileSync(join(outDir, POINTS_RUN, 'metrics.json'), 'utf8'));
    expect(metrics.map((m: { epoch: number }) => m.epoch)).toEqual([1, 2, 3]);
    const real = JSON.parse(readFileSync(join(outDir, POINTS_RUN, 'real-points.json'), 'utf8'));
    expect(real.points).toHaveLength(200);
  });

  it('lists only the settings that differ from the preset', () => {
    const config = resolveConfig({ flags: { preset: 'gaussian2d', seed: 4, batchSize: 8, epochs: 2 } });
    // batchSize 8 is the preset's own value; out says where, not what.
    expect(overridesOf({ ...config, out: '/x' })).toEqual({ seed: 4, epochs: 2 });
    expect(overridesOf({ ...config, preset: 'no-such-preset' })).toEqual({});
    expect(overridesOf(null)).toEqual({});
  });

  it('says where to look when the runs folder is missing', () => {
    expect(() => buildManifest({ runsDir: join(tmp, 'nope'), outDir })).toThrow(ManifestError);
    expect(() => buildManifest({ runsDir: join(tmp, 'nope'), outDir })).toThrow(/--runs/);
  });
});

describe('buildManifest on a hostile run folder', () => {
  let tmp: string;
  let runsDir: string;
  let outDir: string;
  const SECRET = 'SECRET-do-not-serve';

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gallery-links-'));
    runsDir = join(tmp, 'runs');
    outDir = join(tmp, 'public', 'models');
    // Files outside the runs that links point at.
    const outside = join(tmp, 'outside');
    mkdirSync(join(outside, 'pictures'), { recursive: true });
    writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n`);
    writeFileSync(join(outside, 'pictures', 'epoch-0001.png'), SECRET);
    writeFileSync(join(outside, 'metrics.jsonl'), JSON.stringify({ epoch: 1, secret: SECRET }) + '\n');
    const runs = await writeFixtureRuns(runsDir);
    const image = runs.image.root;
    // Inside an otherwise good run: a sample linking out, one linking to /etc/passwd, a folder named .png,
    // and metrics.jsonl linking out.
    symlinkSync(join(outside, 'secret.txt'), join(image, 'samples', 'epoch-0098.png'));
    symlinkSync('/etc/passwd', join(image, 'samples', 'epoch-0099.png'));
    mkdirSync(join(image, 'samples', 'epoch-0097.png'));
    linkSync(join(outside, 'secret.txt'), join(image, 'samples', 'epoch-0096.png'));
    rmSync(join(image, 'metrics.jsonl'));
    symlinkSync(join(outside, 'metrics.jsonl'), join(image, 'metrics.jsonl'));
    // A run whose generator is a link (to a file outside, and one to a file of its own run).
    cpSync(runs.points.root, join(runsDir, 'linked-onnx'), { recursive: true });
    rmSync(join(runsDir, 'linked-onnx', 'generator.onnx'));
    symlinkSync(join(outside, 'secret.txt'), join(runsDir, 'linked-onnx', 'generator.onnx'));
    // A run whose samples folder links out: its pictures are not its own.
    rmSync(join(runs.points.root, 'samples'), { recursive: true });
    symlinkSync(join(outside, 'pictures'), join(runs.points.root, 'samples'));
    // A whole run folder that is a link.
    cpSync(runs.cgan.root, join(outside, 'elsewhere'), { recursive: true });
    symlinkSync(join(outside, 'elsewhere'), join(runsDir, 'linked-run'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('copies no link and nothing from outside a run, and says what it left out', () => {
    const warnings: string[] = [];
    const manifest = buildManifest({ runsDir, outDir, warn: (m) => warnings.push(m) });
    expect(manifest.runs.map((r) => r.name)).toEqual([CGAN_RUN, IMAGE_RUN, POINTS_RUN]);

    const image = manifest.runs.find((r) => r.name === IMAGE_RUN);
    expect(image?.files.samples).toEqual([1, 2].map((e) => `${IMAGE_RUN}/samples/epoch-000${e}.png`));
    expect(image?.files.metrics).toBeNull();
    const points = manifest.runs.find((r) => r.name === POINTS_RUN);
    expect(points?.files.samples).toEqual([]);
    expect(points?.thumbnail).toBeNull();

    expect(warnings.sort()).toEqual(
      [
        `run "${IMAGE_RUN}": left out metrics.jsonl is a symbolic link; only regular files inside the run folder are copied`,
        `run "${IMAGE_RUN}": left out samples/epoch-0096.png has other hard links (copy it to give the run its own file); only regular files inside the run folder are copied`,
        `run "${IMAGE_RUN}": left out samples/epoch-0097.png is not a regular file; only regular files inside the run folder are copied`,
        `run "${IMAGE_RUN}": left out samples/epoch-0098.png is a symbolic link; only regular files inside the run folder are copied`,
        `run "${IMAGE_RUN}": left out samples/epoch-0099.png is a symbolic link; only regular files inside the run folder are copied`,
        `run "${POINTS_RUN}": left out samples/, a symbolic link; only regular files inside the run folder are copied`,
        `skipped run "linked-onnx": generator.onnx is a symbolic link; only regular files inside the run folder are copied`,
        `skipped run "linked-run": its folder is a symbolic link; copy the run into ${runsDir} to show it`,
      ].sort(),
    );

    // Nothing in the built folder is a link, and no file holds the secret or /etc/passwd.
    const passwd = readFileSync('/etc/passwd', 'utf8');
    const files = readdirSync(outDir, { recursive: true, withFileTypes: true });
    expect(files.filter((f) => f.isSymbolicLink())).toEqual([]);
    for (const f of files.filter((e) => e.isFile())) {
      const text = readFileSync(join(f.parentPath, f.name), 'utf8');
      expect(text, f.name).not.toContain(SECRET);
      expect(text === passwd, f.name).toBe(false);
    }
    expect(existsSync(join(outDir, 'linked-onnx'))).toBe(false);
    expect(existsSync(join(outDir, 'linked-run'))).toBe(false);
  });

  it('refuses a linked run folder asked for by name, as the live server asks', () => {
    expect(() => planRun('linked-run', runsDir, () => {})).toThrow(/its folder is a symbolic link/);
  });
});

describe('readMetrics', () => {
  it('keeps the adaptive augmentation’s figures of metrics.jsonl', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gallery-adaptive-'));
    try {
      const base = {
        step: 10,
        lossD: 1,
        lossG: 1,
        accReal: 0.5,
        accFake: 0.5,
        examplesPerSec: 1,
        wallTimeSec: 1,
      };
      writeFileSync(
        join(dir, 'metrics.jsonl'),
        [
          { ...base, epoch: 1, augmentP: 0.1, overfitSignal: 0.7, overfitTarget: 0.6 },
          { ...base, epoch: 2, step: 20 },
        ]
          .map((r) => JSON.stringify(r))
          .join('\n') + '\n{"epoch": 3, "cut sho',
      );
      const records = readMetrics(new RunDir(dir), join(dir, 'metrics.jsonl'));
      expect(records).toHaveLength(2);
      expect(records[0]).toMatchObject({ epoch: 1, augmentP: 0.1, overfitSignal: 0.7, overfitTarget: 0.6 });
      expect(records[1]).not.toHaveProperty('augmentP');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
