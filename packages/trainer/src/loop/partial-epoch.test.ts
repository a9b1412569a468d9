/**
 * A time budget that ends a run inside its last epoch: the model card, the loss plot and the train
 * command's output count that part epoch the same way, as the metrics record and the sample timeline do
 * (epoch 2 of 2, with the steps it ran).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEpochs, ModelCardSchema, RunDir } from '@ganforge/contracts';
import { epochsDone } from '../cli/progress';
import { resolveConfig } from '../config';
import { lossCurveSvg } from '../outputs/plots';
import { train } from './train';

const tmp = mkdtempSync(join(tmpdir(), 'gf-partial-epoch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a part last epoch (--max-minutes ended it)', () => {
  it('is counted and drawn alike by the card, the plot and the progress output', async () => {
    const out = join(tmp, 'run');
    // The clock stands still through epoch 1, then moves 1 s per reading: the 1-minute budget ends the
    // run a few dozen steps into epoch 2 (of 2; gaussian2d has 125 steps an epoch).
    let now = 0;
    let moving = false;
    const result = await train(
      resolveConfig({ flags: { preset: 'gaussian2d', epochs: 2, maxMinutes: 1, out } }),
      {
        clock: () => (moving ? (now += 1000) : now),
        onEvent: (e) => void (e.status === 'epoch' && (moving = true)),
      },
    );
    expect(result.budgetReached).toBe(true);
    expect(result.epochsCompleted).toBe(1);
    const partSteps = result.steps - 125;
    expect(partSteps).toBeGreaterThan(0);
    expect(partSteps).toBeLessThan(125);

    // What the run recorded and drew for the part epoch: its metrics record and its sample grid.
    const run = new RunDir(out);
    const metrics = run.readMetrics();
    expect(metrics.map((m) => [m.epoch, m.step])).toEqual([
      [1, 125],
      [2, result.steps],
    ]);
    expect(existsSync(join(out, 'samples', 'epoch-0002.png'))).toBe(true);

    // The card counts it too, and says how far it got.
    const card = ModelCardSchema.parse(run.readModelCard());
    expect(card.epochs).toBe(2);
    expect(card.steps).toBe(result.steps);
    expect(card.partialEpoch).toEqual({ steps: partSteps, stepsPerEpoch: 125 });
    const said = `2 epochs (the last ${partSteps}/125 steps)`;
    expect(describeEpochs(card)).toBe(said);

    // The train command's last line.
    expect(epochsDone(result.epochsCompleted, result.steps, 125)).toBe(said);

    // losses.png: a dot per epoch (both losses), the part epoch's at the step it reached, and the count.
    const svg = lossCurveSvg(run.readCurve(), metrics, 'gaussian2d: losses');
    expect(svg.match(/<circle /g)).toHaveLength(2 * metrics.length);
    expect(svg).toContain(`step ${result.steps}</text>`);
    expect(svg).toContain(said);
    expect(existsSync(join(out, 'losses.png'))).toBe(true);
  }, 120_000);

  it('is said with its steps when it is the only epoch', async () => {
    const out = join(tmp, 'one');
    let now = 0;
    const result = await train(
      resolveConfig({ flags: { preset: 'gaussian2d', epochs: 1, maxMinutes: 1, out } }),
      { clock: () => (now += 1000) },
    );
    expect(result.budgetReached).toBe(true);
    expect(result.steps).toBeLessThan(125);
    const said = `1 epoch (${result.steps}/125 steps)`;
    const run = new RunDir(out);
    expect(describeEpochs(ModelCardSchema.parse(run.readModelCard()))).toBe(said);
    // With one record the plot cannot infer the epoch's length: the run hands it over.
    expect(lossCurveSvg(run.readCurve(), run.readMetrics(), 'gaussian2d: losses', 640, 360, 125)).toContain(
      said,
    );
    expect(epochsDone(result.epochsCompleted, result.steps, 125)).toBe(said);
  }, 120_000);
});
