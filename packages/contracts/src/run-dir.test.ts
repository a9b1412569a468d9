import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonLines } from './io';
import { RunDir, RunDirError } from './run-dir';
import { CurvePointSchema, RUN_FILES, type ExportInfo, type ModelCard } from './schema';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'gf-run-dir-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const trainerCard = (epochs: number): ModelCard => ({
  name: 'r',
  preset: 'tiny',
  dataset: { name: 'fashion-mnist', examples: 512 },
  latentDim: 16,
  output: { kind: 'image', height: 28, width: 28, channels: 1, range: [-1, 1] },
  epochs,
  steps: epochs * 8,
  generatorParams: 100,
  discriminatorParams: 50,
  wallTimeSec: epochs,
  finalMetrics: { lossD: 1.2, lossG: 0.8 },
  reproduce: 'npx ganforge train --preset=tiny --seed=1',
});
const exported: ExportInfo = {
  file: 'generator.onnx',
  bytes: 1234,
  opset: 17,
  maxAbsDiff: 1e-6,
  verifiedBatches: [1, 7],
  exportedAt: '2026-12-03T00:00:00.000Z',
};

describe('model-card.json: one writer that merges sections', () => {
  it("the trainer rewriting its card (a resume, a later epoch) keeps the exporter's export section", () => {
    const run = new RunDir(tmp());
    run.writeModelCard(trainerCard(1));
    run.writeModelCard({ export: exported });
    expect(run.readModelCard()).toEqual({ ...trainerCard(1), export: exported });
    // The trainer's card has no export section: what it writes must not drop the exporter's.
    run.writeModelCard(trainerCard(3));
    expect(run.readModelCard()).toEqual({ ...trainerCard(3), export: exported });
  });

  it('an export section alone, with no card to add it to, is refused and writes nothing', () => {
    const run = new RunDir(tmp());
    expect(() => run.writeModelCard({ export: exported })).toThrow(RunDirError);
    expect(() => run.writeModelCard({ export: exported })).toThrow(/there is no card to add this section to/);
    expect(run.hasModelCard()).toBe(false);
  });

  it('a damaged card takes a whole new card but not a lone section', () => {
    const run = new RunDir(tmp());
    writeFileSync(run.modelCardPath, '{"name": ');
    expect(() => run.writeModelCard({ export: exported })).toThrow(/model-card.json is not valid JSON/);
    expect(readFileSync(run.modelCardPath, 'utf8')).toBe('{"name": ');
    run.writeModelCard(trainerCard(2));
    expect(run.readModelCard()).toEqual(trainerCard(2));
  });

  it('a staged card changes nothing until committed', () => {
    const run = new RunDir(tmp());
    run.writeModelCard(trainerCard(1));
    const staged = run.stageModelCard({ export: exported });
    expect(run.readModelCard().export).toBeUndefined();
    expect(staged.card.export).toEqual(exported);
    staged.file.commit();
    expect(run.readModelCard().export).toEqual(exported);
  });
});

describe('JSON-lines files', () => {
  it('skip a partial last line and lines of another shape; a missing file is empty', () => {
    const dir = tmp();
    const path = join(dir, RUN_FILES.curve);
    expect(readJsonLines(path, CurvePointSchema)).toEqual([]);
    writeFileSync(
      path,
      '{"step":10,"lossD":1,"lossG":2}\n\n{"step":"x"}\n{"step":20,"lossD":0.5,"lossG":null}\n{"step":30,"lo',
    );
    expect(readJsonLines(path, CurvePointSchema)).toEqual([
      { step: 10, lossD: 1, lossG: 2 },
      { step: 20, lossD: 0.5, lossG: null },
    ]);
    expect(new RunDir(dir).readCurve()).toHaveLength(2);
  });

  it('metrics append and read back through the schema', async () => {
    const run = new RunDir(tmp());
    const record = {
      epoch: 1,
      step: 8,
      lossD: 1,
      lossG: 1,
      accReal: 0.5,
      accFake: 0.5,
      examplesPerSec: 100,
      wallTimeSec: 1,
    };
    await run.appendMetrics(record);
    await run.appendMetrics({ ...record, epoch: 2, step: 16 });
    expect(run.readMetrics().map((m) => m.epoch)).toEqual([1, 2]);
    run.writeMetrics([record]);
    expect(run.readMetrics()).toEqual([record]);
  });
});
