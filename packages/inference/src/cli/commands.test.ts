import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCommand } from './commands';
import { main } from './main';
import { loadGenerator, makeGrid } from '../node';
import { flatModel, labelModel, pointsModel, rgbModel } from '../testing/models';

let dir: string;
const paths: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ganforge-cli-'));
  const models = { rgb: rgbModel(), flat: flatModel(), points: pointsModel(true), label: labelModel() };
  for (const [name, m] of Object.entries(models)) {
    paths[name] = join(dir, `${name}.onnx`);
    await writeFile(paths[name], m.bytes);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'ganforge', ...args], {
    writeOut: (s) => (out += s),
    writeErr: (s) => (err += s),
  });
  return { code, out, err };
}

describe('ganforge sample', () => {
  it('writes the grid of the SDK sample with the same seed', async () => {
    const out = join(dir, 'grid.png');
    const res = await run('sample', '--model', paths.rgb!, '--count', '6', '--seed', '7', '--out', out);
    expect(res).toMatchObject({ code: 0, err: '' });
    expect(res.out).toContain('6 images 4x4x3');
    const g = await loadGenerator(paths.rgb!);
    const samples = await g.sample({ count: 6, seed: 7 });
    await g.dispose();
    // 4 px images are enlarged to at least 96 px by default (24x); --scale sets it.
    const expected = makeGrid(samples, { scale: 24 });
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([480, 336]);
    expect([info.width, info.height]).toEqual([expected.width, expected.height]);
    expect(new Uint8Array(data)).toEqual(expected.data);
    const small = join(dir, 'grid-2x.png');
    expect(
      (await run('sample', '-m', paths.rgb!, '-n', '6', '-s', '7', '--scale', '2', '-o', small)).code,
    ).toBe(0);
    const two = await sharp(small).raw().toBuffer({ resolveWithObject: true });
    expect(new Uint8Array(two.data)).toEqual(makeGrid(samples, { scale: 2 }).data);
  });

  it('draws a point generator written to a .png as a scatter plot', async () => {
    const out = join(dir, 'points.png');
    const res = await run('sample', '-m', paths.points!, '-n', '200', '-o', out);
    expect(res).toMatchObject({ code: 0, err: '' });
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([480, 480]);
    // Blue-ish dots on white: the plot holds points, not a blank picture.
    let dots = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i + 2]! > data[i]! + 40) dots++;
    expect(dots).toBeGreaterThan(200);
  });

  it('writes points as CSV', async () => {
    const out = join(dir, 'points.csv');
    expect((await run('sample', '-m', paths.points!, '-n', '4', '-s', '3', '-o', out)).code).toBe(0);
    const rows = (await readFile(out, 'utf8')).trim().split('\n');
    expect(rows[0]).toBe('x0,x1');
    const g = await loadGenerator(paths.points!);
    const r = await g.sample({ count: 4, seed: 3 });
    await g.dispose();
    if (r.kind !== 'points') throw new Error('expected points');
    expect(rows.slice(1).flatMap((row) => row.split(',').map(Number))).toEqual(Array.from(r.points));
  });

  it('repeats --labels for a conditional model and takes --output-shape for a flat one', async () => {
    const labelled = await run(
      'sample',
      '-m',
      paths.label!,
      '-n',
      '6',
      '--labels',
      '0,2',
      '-o',
      join(dir, 'l.png'),
    );
    expect(labelled.code).toBe(0);
    const flat = await run('sample', '-m', paths.flat!, '--output-shape', '4,4,1', '-o', join(dir, 'f.webp'));
    expect(flat.code).toBe(0);
    expect((await sharp(join(dir, 'f.webp')).metadata()).format).toBe('webp');
  });

  it('prints one-line errors naming the missing option, without a stack, and exits 1', async () => {
    // A flat [N,16] output needs no --output-shape: it reads as a square 4x4 image.
    const flat = await run('sample', '-m', paths.flat!, '-o', join(dir, 'x.png'));
    expect(flat).toMatchObject({ code: 0 });
    const missing = await run('sample', '-m', join(dir, 'nope.onnx'), '-o', join(dir, 'x.png'));
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toMatch(/cannot read model .*nope.onnx': no such file/);
    const conditional = await run('sample', '-m', paths.label!, '-o', join(dir, 'x.png'));
    expect(conditional.err).toMatch(/pass labels.*--labels/);
    const badCount = await run('sample', '-m', paths.rgb!, '-n', 'lots', '-o', join(dir, 'x.png'));
    expect(badCount.code).toBe(1);
    expect(badCount.err).toMatch(/argument 'lots' is invalid\. count must be an integer >= 1/);
    const badExt = await run('sample', '-m', paths.rgb!, '-o', join(dir, 'x.gif'));
    expect(badExt.err).toMatch(/use .png, .jpg or .webp/);
    const noFolder = await run('sample', '-m', paths.rgb!, '-o', join(dir, 'no', 'such', 'x.png'));
    expect(noFolder.code).toBe(1);
    expect(noFolder.err).toMatch(
      /output folder .*no\/such does not exist; create the folder first or pass another --out/,
    );
    for (const r of [flat, missing, conditional, badCount, badExt, noFolder])
      expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('has --help', async () => {
    const res = await run('sample', '--help');
    expect(res.code).toBe(0);
    expect(res.out).toContain('--model <file>');
    expect(sampleCommand().name()).toBe('sample');
  });
});

describe('ganforge interpolate', () => {
  it('writes the steps as one row', async () => {
    const out = join(dir, 'walk.png');
    const res = await run(
      'interpolate',
      '-m',
      paths.rgb!,
      '--from',
      '1',
      '--to',
      '2',
      '--steps',
      '5',
      '-o',
      out,
    );
    expect(res.code).toBe(0);
    const meta = await sharp(out).metadata();
    // One row of five 4 px steps with 2 px padding, enlarged 24x by default.
    expect([meta.width, meta.height]).toEqual([(5 * 4 + 6 * 2) * 24, (4 + 2 * 2) * 24]);
    const cond = await run('interpolate', '-m', paths.label!, '--from', '1', '--to', '2', '-o', out);
    expect(cond.err).toMatch(/pass label.*--label\b/);
  });
});
