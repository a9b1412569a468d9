/**
 * 2-D runs beyond the d2l experiment: the points-mlp model on a bundled set and on a points file, with
 * the trainer's 2-D outputs (real points, scatter pictures, 2-D metrics, the card's points output), and
 * a resume whose config names its points file relative to the run folder (as the playground writes it).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelCardSchema, RunDir } from '@ganforge/contracts';
import { resolveConfig, type ConfigOverrides } from '../config';
import { ringPoints } from '../data/points2d';
import { resumeConfig } from './run-files';
import { train } from './train';

const root = mkdtempSync(join(tmpdir(), 'gf-points-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const small: ConfigOverrides = {
  preset: 'points',
  hiddenG: [16],
  hiddenD: [16],
  batchSize: 100,
  evalEvery: 1,
};

describe('points-mlp runs', () => {
  it('train on ring8 with the 2-D outputs of a gaussian2d run, and no d2l read-out', async () => {
    const out = join(root, 'ring8');
    const result = await train(resolveConfig({ flags: { ...small, epochs: 2, seed: 4, out } }));
    expect(result.steps).toBe(20);
    expect(result.estimate).toBeUndefined();
    const run = new RunDir(out);
    // The real points are the bundled set made with the run's seed.
    expect(Float32Array.from(run.readRealPoints().flat())).toEqual(ringPoints(4, 1000));
    expect(
      readFileSync(join(out, 'samples', 'epoch-0002.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(run.readMetrics().map((m) => Number.isFinite(m.extra?.['eval.frechet2d']))).toEqual([true, true]);
    const card = ModelCardSchema.parse(run.readModelCard());
    expect(card.output).toEqual({ kind: 'points', dims: 2 });
    expect(card.latentDim).toBe(2);
    expect(card.evaluation).toMatchObject({ evaluator: 'points-2d' });
  });

  it('train on a points file, record it absolute, and resume with it relative to the run folder', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => [Math.cos(i) * 2, Math.sin(i) + 0.5]);
    writeFileSync(join(root, 'mine.csv'), 'x,y\n' + rows.map((r) => r.join(',')).join('\n'));
    const out = join(root, 'file-run');
    // Relative to where the run starts (the workspace root, as the CLI passes it).
    await train(resolveConfig({ flags: { ...small, dataset: 'mine.csv', epochs: 1, out } }), {
      workspaceRoot: root,
    });
    const run = new RunDir(out);
    expect(run.readConfig().dataset).toBe(join(root, 'mine.csv'));
    expect(Float32Array.from(run.readRealPoints().flat())).toEqual(Float32Array.from(rows.flat()));
    expect(run.readModelCard().dataset).toMatchObject({ examples: 300 });

    // The file moves into the run folder and config.json names it relative: the resume finds it there.
    copyFileSync(join(root, 'mine.csv'), join(out, 'points.csv'));
    rmSync(join(root, 'mine.csv'));
    writeFileSync(join(out, 'config.json'), JSON.stringify({ ...run.readConfig(), dataset: 'points.csv' }));
    const resumed = await train(resumeConfig(out, { epochs: 2 }), { resume: true, workspaceRoot: '/' });
    expect(resumed.steps).toBe(6);
    expect(run.readState()).toMatchObject({ status: 'completed', epoch: 2, step: 6 });

    // Gone from the run folder, the resume says which file it looked for.
    rmSync(join(out, 'points.csv'));
    await expect(train(resumeConfig(out, { epochs: 3 }), { resume: true })).rejects.toThrow(
      `points file ${join(out, 'points.csv')} does not exist`,
    );
    expect(existsSync(join(out, 'checkpoint', 'latest.json'))).toBe(true);
  });
});
