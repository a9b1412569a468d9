import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tf } from './backend';
import { resolveConfig } from './config';
import { RunDir } from './run/io';
import { FileModelIO } from './run/model-io';
import { ModelCardSchema, RunStateSchema } from './run/schema';
import { train, type TrainEvent } from './train';

const tmp = () => mkdtempSync(join(tmpdir(), 'gf-train-'));
const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

async function generatorWeights(runDir: string): Promise<Float32Array> {
  const g = await tf.loadLayersModel(new FileModelIO(join(runDir, 'generator')));
  const flat = tf.concat(g.getWeights().map((w) => w.flatten()));
  const out = (await flat.data()) as Float32Array;
  g.dispose();
  flat.dispose();
  return out;
}

describe('gaussian2d (the d2l experiment)', () => {
  it('fits X·A + b: worst relative error well under the untrained ~100%', async () => {
    const out = join(tmp(), 'run');
    const events: TrainEvent['status'][] = [];
    const result = await train(resolveConfig({ flags: { preset: 'gaussian2d', seed: 3, out } }), {
      onEvent: (e) => events.push(e.status),
    });
    expect(result.epochsCompleted).toBe(20);
    expect(result.steps).toBe(20 * 125);
    expect(result.estimate!.worstRelErr).toBeLessThan(0.4);
    expect(events.filter((s) => s === 'epoch')).toHaveLength(20);
    // The run directory holds everything the other projects read.
    const run = new RunDir(out);
    expect(RunStateSchema.parse(run.readState()).status).toBe('completed');
    const card = ModelCardSchema.parse(run.readModelCard());
    expect(card.output).toEqual({ kind: 'points', dims: 2 });
    expect(card.finalMetrics.worstRelErr).toBeCloseTo(result.estimate!.worstRelErr, 10);
    expect(run.readMetrics()).toHaveLength(20);
    expect(run.readRealPoints()).toHaveLength(1000);
    expect(existsSync(join(out, 'samples', 'epoch-0020.png'))).toBe(true);
    expect(
      readFileSync(join(out, 'samples', 'epoch-0020.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(run.readConfig().lrD).toBe(0.05);
  });

  it('is repeatable with --seed and differs across seeds', async () => {
    const flags = { preset: 'gaussian2d', epochs: 1, limit: 200 };
    const [a, b, c] = [join(tmp(), 'a'), join(tmp(), 'b'), join(tmp(), 'c')];
    await train(resolveConfig({ flags: { ...flags, seed: 7, out: a } }));
    await train(resolveConfig({ flags: { ...flags, seed: 7, out: b } }));
    await train(resolveConfig({ flags: { ...flags, seed: 8, out: c } }));
    const [wa, wb, wc] = await Promise.all([generatorWeights(a), generatorWeights(b), generatorWeights(c)]);
    expect(Array.from(wa)).toEqual(Array.from(wb));
    expect(Array.from(wa)).not.toEqual(Array.from(wc));
  });

  it('never overwrites an existing run and stops cleanly when aborted', async () => {
    const out = join(tmp(), 'run');
    const controller = new AbortController();
    const result = await train(resolveConfig({ flags: { preset: 'gaussian2d', out } }), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.status === 'epoch' && e.record.epoch === 2) controller.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.epochsCompleted).toBe(2);
    expect(new RunDir(out).readState().status).toBe('interrupted');
    expect(existsSync(join(out, 'generator', 'model.json'))).toBe(true);
    await expect(train(resolveConfig({ flags: { preset: 'gaussian2d', out } }))).rejects.toThrow(
      /already exists/,
    );
  });
});

describe('image GAN on the bundled data', () => {
  it('trains the tiny preset and writes a sample grid', async () => {
    const out = join(tmp(), 'tiny');
    const result = await train(resolveConfig({ flags: { preset: 'tiny', epochs: 1, out } }));
    expect(result.metrics[0]!.lossD).toBeGreaterThan(0);
    const card = new RunDir(out).readModelCard();
    expect(card.output).toEqual({ kind: 'image', height: 28, width: 28, channels: 1, range: [-1, 1] });
    const png = readFileSync(join(out, 'samples', 'epoch-0001.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const g = await tf.loadLayersModel(new FileModelIO(join(out, 'generator', 'model.json')));
    expect(g.outputs[0]!.shape).toEqual([null, 28, 28, 1]);
    g.dispose();
  });
});

describe('trainer CLI', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(pkgDir, 'src/cli/main.ts'), ...args], {
      encoding: 'utf8',
      cwd: pkgDir,
      env: { ...process.env, NX_WORKSPACE_ROOT: '' },
    });

  it.each([
    [['--preset=nope'], /unknown preset "nope"; available presets: gaussian2d/],
    [['--colour=red'], /unknown option '--colour=red'[\s\S]*valid keys: preset, model/],
    [['--epochs=zero'], /--epochs expects a number/],
    [['--dataset=/no/such/file.gz'], /dataset file not found/],
  ])('rejects %j with a one-line error and no stack', (args, message) => {
    const r = cli(...args);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints help with the presets', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--preset <value>/);
    expect(r.stdout).toMatch(/gaussian2d\s+the d2l.ai GAN chapter/);
  });
});
