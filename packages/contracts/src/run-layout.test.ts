import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foreignEntries, removeRunEntries } from './run-layout';
import { readdirSync } from 'node:fs';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'gf-run-layout-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A run folder with every kind of file the contract names, and a few temporaries. */
function fullRun(): string {
  const root = tmp();
  const put = (rel: string, text = 'x') => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  for (const f of [
    'config.json',
    'state.json',
    'metrics.jsonl',
    'curve.jsonl',
    'model-card.json',
    'losses.png',
    'generator.onnx',
    '.lock',
  ])
    put(f);
  put('generator.onnx.tmp-123-456-7');
  put('generator/model.json');
  put('generator/weights.bin');
  put('discriminator/model.json');
  put('samples/epoch-0001.png');
  put('samples/epoch-0002.png.tmp-1-2-3');
  put('checkpoint/latest.json');
  put('checkpoint/step-000000040/optimizers.bin');
  put('checkpoint/step-000000040/optimizer-powers.json');
  put('checkpoint/step-000000040/generator-ema/weights.bin');
  return root;
}

describe('what a run folder may hold', () => {
  it('finds nothing foreign in a run, and names what is', () => {
    const root = fullRun();
    expect(foreignEntries(root)).toEqual([]);
    writeFileSync(join(root, 'thesis.txt'), 'years of work');
    writeFileSync(join(root, 'samples', 'favourite.png'), 'x');
    mkdirSync(join(root, 'checkpoint', 'step-000000040', 'notes'));
    symlinkSync(tmpdir(), join(root, 'real-points.json'));
    expect(foreignEntries(root).sort()).toEqual(
      ['checkpoint/step-000000040/notes/', 'real-points.json', 'samples/favourite.png', 'thesis.txt'].sort(),
    );
    expect(foreignEntries(root, 2)).toHaveLength(2);
  });

  it('removes the run and keeps its lock and anything else', () => {
    const root = fullRun();
    writeFileSync(join(root, 'thesis.txt'), 'years of work');
    removeRunEntries(root);
    expect(readdirSync(root).sort()).toEqual(['.lock', 'thesis.txt']);
  });
});
