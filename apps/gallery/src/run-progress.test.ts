import { describe, expect, it } from 'vitest';
import type { ManifestRun } from './manifest';
import { budgetText, describeEpochOf, describeProgress, runProgress, statusLabel } from './run-progress';

function run(o: {
  status: ManifestRun['status'];
  step: number;
  epoch: number;
  config: Record<string, unknown> | null;
  card?: Partial<ManifestRun['card']>;
}): ManifestRun {
  return {
    name: 'r',
    status: o.status,
    config: o.config,
    progress: { epoch: o.epoch, step: o.step, curvePoints: 0, samples: 0 },
    card: { dataset: { name: 'd', examples: 2000 }, epochs: 0, steps: 0, ...o.card },
  } as unknown as ManifestRun;
}

describe('runProgress', () => {
  it('says a completed run a time budget cut short was stopped, at which step of how many', () => {
    // 2000 examples / batch 16 = 125 steps an epoch; 10 epochs = 1,250 steps.
    const r = run({
      status: 'completed',
      step: 309,
      epoch: 2,
      config: { epochs: 10, batchSize: 16, maxMinutes: 4.5 },
      card: { epochs: 3, steps: 309, partialEpoch: { steps: 59, stepsPerEpoch: 125 } },
    });
    const p = runProgress(r);
    expect(budgetText(p)).toBe('stopped by its 4.5-minute budget at step 309 of 1,250 (25 %)');
    // The head and the model card read the same line; records name the part epoch as such.
    expect(describeProgress(p)).toBe('epoch 3 of 10 (its first 59 of 125 steps) · step 309 of 1,250');
    expect(describeEpochOf(p, 3)).toBe('epoch 3 of 10 (part: 59 of 125 steps)');
    expect(describeEpochOf(p, 2)).toBe('epoch 2 of 10');
  });

  it('does not call a run that ran all its epochs, or has no budget, stopped', () => {
    const config = { epochs: 2, batchSize: 16, maxMinutes: 4.5 };
    const done = runProgress(run({ status: 'completed', step: 250, epoch: 2, config }));
    expect(budgetText(done)).toBeNull();
    expect(describeProgress(done)).toBe('epoch 2 of 2 · step 250 of 250');
    const noBudget = runProgress(
      run({ status: 'completed', step: 100, epoch: 0, config: { ...config, maxMinutes: 0 } }),
    );
    expect(budgetText(noBudget)).toBeNull();
    const running = runProgress(run({ status: 'running', step: 100, epoch: 0, config }));
    expect(budgetText(running)).toBeNull();
  });

  it('counts from the model card when the config is missing', () => {
    const p = runProgress(
      run({ status: null, step: 400, epoch: 4, config: null, card: { epochs: 4, steps: 400 } }),
    );
    expect(describeProgress(p)).toBe('epoch 4 · 400 steps');
    expect(budgetText(p)).toBeNull();
  });

  it('badges a run its budget cut short "budget reached", not "completed"', () => {
    const config = { epochs: 10, batchSize: 16, maxMinutes: 4.5 };
    expect(statusLabel(run({ status: 'completed', step: 309, epoch: 2, config }))).toBe('budget reached');
    expect(statusLabel(run({ status: 'completed', step: 1250, epoch: 10, config }))).toBe('completed');
    expect(statusLabel(run({ status: 'running', step: 309, epoch: 2, config }))).toBe('running');
  });
});
