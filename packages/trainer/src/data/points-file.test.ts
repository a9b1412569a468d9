/**
 * 2-D data by name and from files: the bundled sets seeded as the playground seeds them, points files
 * (.json, .csv) read as they are, and bad files refused with what is wrong, on real files in a temp dir.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from './datasets';
import { POINT_DATASETS } from './points2d';

const dir = mkdtempSync(join(tmpdir(), 'gf-points-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const load = (dataset: string, more: { limit?: number; baseDir?: string } = {}) =>
  loadDataset({ dataset, channels: 'auto', seed: 3, ...more });

describe('2-D datasets by name', () => {
  it.each(['ring8', 'grid25', 'moons', 'line'] as const)(
    '%s: 1000 points made with the run seed, as the playground makes them',
    async (name) => {
      const ds = await load(name);
      expect(ds).toMatchObject({ kind: 'points', shape: [2], count: 1000 });
      expect(ds.values).toEqual(POINT_DATASETS[name].make(3, 1000));
      expect((await load(name, { limit: 100 })).values).toEqual(POINT_DATASETS[name].make(3, 100));
    },
  );
});

describe('points files', () => {
  it('reads JSON rows, { points } objects and CSV lines (with a header) as they are', async () => {
    const rows = [
      [0.5, -1.25],
      [2, 3],
      [-0.125, 7],
    ];
    const expected = Float32Array.from(rows.flat());
    expect((await load(file('a.json', JSON.stringify(rows)))).values).toEqual(expected);
    const obj = await load(file('b.json', JSON.stringify({ points: rows })));
    expect(obj).toMatchObject({ kind: 'points', shape: [2], count: 3 });
    expect(obj.values).toEqual(expected);
    const csv = await load(file('c.csv', 'x,y\n0.5,-1.25\n2 ; 3\r\n\n-0.125\t7\n'));
    expect(csv.values).toEqual(expected);
    expect((await load(join(dir, 'c.csv'), { limit: 2 })).values).toEqual(expected.subarray(0, 4));
  });

  it('resolves a relative path against the given folder (a resumed run’s own folder)', async () => {
    file(
      'drawn-points.json',
      JSON.stringify({
        points: [
          [1, 1],
          [2, 2],
        ],
      }),
    );
    const ds = await load('drawn-points.json', { baseDir: dir });
    expect(ds.count).toBe(2);
    expect(ds.name).toBe(`points file ${join(dir, 'drawn-points.json')}`);
  });

  it('refuses a missing file, wrong shapes, too few points and non-numbers, saying which row', async () => {
    await expect(load(join(dir, 'none.json'))).rejects.toThrow(/points file .*none\.json does not exist/);
    await expect(load('none.csv', { baseDir: dir })).rejects.toThrow(
      new RegExp(`points file ${join(dir, 'none.csv')} does not exist`),
    );
    await expect(load(file('shape.json', '[[1, 2], [3, 4, 5]]'))).rejects.toThrow(
      /row 2 is 3 values; each row must be two numbers \[x, y\]/,
    );
    await expect(load(file('flat.json', '[1, 2, 3, 4]'))).rejects.toThrow(/row 1 is 1; each row must be two/);
    await expect(load(file('obj.json', '{"x": [1, 2]}'))).rejects.toThrow(
      /must hold an array of \[x, y\] rows/,
    );
    await expect(load(file('one.json', '[[1, 2]]'))).rejects.toThrow(/holds 1 point: .*at least 2/);
    await expect(load(file('empty.csv', 'x,y\n'))).rejects.toThrow(/holds 0 points/);
    await expect(load(file('text.json', '[[1, 2], ["3", 4]]'))).rejects.toThrow(
      /row 2 has "3" for x; coordinates must be finite numbers/,
    );
    await expect(load(file('nan.csv', '1,2\n3,abc\n'))).rejects.toThrow(
      /line 2 has "abc", which is not a number/,
    );
    await expect(load(file('three.csv', '1,2\n3,4,5\n'))).rejects.toThrow(
      /line 2 has 3 values .*must be x,y/,
    );
    await expect(load(file('broken.json', '[[1, 2]'))).rejects.toThrow(/is not valid JSON/);
  });
});
