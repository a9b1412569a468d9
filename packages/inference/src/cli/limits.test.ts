/**
 * The commands check sizes before running the model: a grid too large to write, or more samples or
 * steps than one call takes, is one line naming the flag and the limit, within a second or two of
 * starting (not after running the model over 85,000 samples), and no file is written.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main';
import { MAX_VALUES_PER_CALL } from '../node';
import { pointsModel } from '../testing/models';
import { mnistSizedModel } from '../testing/unusual-models';

let dir: string;
let mnist: string;
let points: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ganforge-cli-limits-'));
  mnist = join(dir, 'mnist.onnx');
  points = join(dir, 'points.onnx');
  await writeFile(mnist, mnistSizedModel());
  await writeFile(points, pointsModel(true).bytes);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the command; returns its exit code, its one error line, and how long it took. */
async function run(...args: string[]): Promise<{ code: number; err: string; ms: number }> {
  let err = '';
  const t0 = performance.now();
  const code = await main(['node', 'ganforge', ...args], { writeOut: () => {}, writeErr: (s) => (err += s) });
  return { code, err: err.trim(), ms: performance.now() - t0 };
}

const MAX_COUNT = Math.floor(MAX_VALUES_PER_CALL / 784);

describe('size limits on the command line', () => {
  it('sample --count under the per-call limit but too many for one picture', async () => {
    const out = join(dir, 'big.png');
    const r = await run('sample', '--model', mnist, '--count', '85000', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: --count 85000 at --scale 4 makes a grid of 35048 x 35048 pixels, over the limit of 268402689 pixels (16383 x 16383) of one image: at most 18496 images fit at --scale 4 (lower --count or --scale)',
    );
    expect(r.ms).toBeLessThan(5000);
    expect(existsSync(out)).toBe(false);
  });

  it('sample --count over what one call takes', async () => {
    const r = await run('sample', '--model', mnist, '--count', '100000', '--out', join(dir, 'x.png'));
    expect(r.err).toBe(
      `error: --count 100000 is too large for one call: at most ${MAX_COUNT} samples fit this model (a call holds at most ${MAX_VALUES_PER_CALL} values, 784 per sample)`,
    );
  });

  it('sample --scale too large for one picture', async () => {
    const r = await run(
      'sample',
      '--model',
      mnist,
      '--count',
      '4',
      '--scale',
      '1000',
      '--out',
      join(dir, 'x.png'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: --scale 1000 makes a grid of 62000 x 62000 pixels, over the limit of 268402689 pixels (16383 x 16383) of one image: use --scale 264 or less',
    );
  });

  it('interpolate --steps over what one call takes', async () => {
    const r = await run(
      'interpolate',
      '--model',
      mnist,
      '--from',
      '1',
      '--to',
      '2',
      '--steps',
      '1000000000',
      '--out',
      join(dir, 'w.png'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error: --steps 1000000000 is too large for one call: at most ${MAX_COUNT} samples fit this model (a call holds at most ${MAX_VALUES_PER_CALL} values, 784 per sample)`,
    );
    expect(r.ms).toBeLessThan(5000);
  });

  it('interpolate --steps that fit one call but make a row wider than a .webp can be', async () => {
    const out = join(dir, 'w.webp');
    const r = await run(
      'interpolate',
      '--model',
      mnist,
      '--from',
      '1',
      '--to',
      '2',
      '--steps',
      '600',
      '--out',
      out,
    );
    expect(r.err).toBe(
      'error: --steps 600 at --scale 4 makes a grid of 72008 x 128 pixels, over the largest side of 16383 of a .webp image: at most 136 images fit at --scale 4 (lower --steps or --scale, or pass --columns)',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a scatter plot --scale over the limit', async () => {
    const r = await run(
      'sample',
      '--model',
      points,
      '--count',
      '10',
      '--scale',
      '1000',
      '--out',
      join(dir, 'p.png'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: --scale 1000 makes a scatter plot of 480000 x 480000 pixels, over the largest side of 16383: use --scale 34 or less',
    );
  });
});
