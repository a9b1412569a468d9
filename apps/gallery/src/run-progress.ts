/**
 * How far a run got, counted one way on every part of the gallery that says it (the runs table, a run
 * page's head, its model card, its timeline): steps from state.json, epochs counted as the model card
 * counts them (countEpochs: a part last epoch counts, with its steps), and whether a time budget
 * (maxMinutes) ended the run before its planned epochs.
 */
import { countEpochs, type EpochCount } from '@ganforge/contracts';
import type { ManifestRun } from './manifest';
import { STATUS_TEXT, statusOf } from './run-facts';

export interface RunProgress {
  /** Steps trained so far. */
  step: number;
  /** Epochs begun, a part last epoch included (its steps in partialEpoch). */
  count: EpochCount;
  /** The epochs the config asked for, if known. */
  epochsPlanned: number | null;
  /** Steps in one whole epoch, if known. */
  stepsPerEpoch: number | null;
  /** The steps all planned epochs take, if known. */
  stepsPlanned: number | null;
  /** Set when the time budget ended a completed run before its planned steps. */
  budget: { minutes: number; percent: number } | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Steps a whole epoch takes: the trainer's floor(examples / batch size), else what the card says. */
function stepsPerEpochOf(run: ManifestRun): number | null {
  const batch = num(run.config?.['batchSize']);
  const examples = run.card.dataset.examples;
  if (batch && batch > 0 && examples >= batch) return Math.floor(examples / batch);
  if (run.card.partialEpoch) return run.card.partialEpoch.stepsPerEpoch;
  if (run.card.epochs > 0 && run.card.steps > 0) return run.card.steps / run.card.epochs;
  return null;
}

export function runProgress(run: ManifestRun): RunProgress {
  const step = run.progress.step;
  const stepsPerEpoch = stepsPerEpochOf(run);
  const count = stepsPerEpoch
    ? countEpochs(step, stepsPerEpoch)
    : { epochs: Math.max(run.progress.epoch, run.card.epochs) };
  const epochsPlanned = num(run.config?.['epochs']);
  const stepsPlanned = epochsPlanned !== null && stepsPerEpoch ? epochsPlanned * stepsPerEpoch : null;
  const minutes = num(run.config?.['maxMinutes']);
  const short =
    stepsPlanned !== null
      ? step < stepsPlanned
      : epochsPlanned !== null && run.progress.epoch < epochsPlanned;
  const budget =
    run.status === 'completed' && minutes !== null && minutes > 0 && short
      ? { minutes, percent: stepsPlanned ? Math.round((100 * step) / stepsPlanned) : 0 }
      : null;
  return { step, count, epochsPlanned, stepsPerEpoch, stepsPlanned, budget };
}

const n = (v: number) => v.toLocaleString('en');

/** "step 401 of 1,560", or "401 steps" when the plan is unknown. */
export function describeSteps(p: RunProgress): string {
  return p.stepsPlanned !== null ? `step ${n(p.step)} of ${n(p.stepsPlanned)}` : `${n(p.step)} steps`;
}

/** "epoch 3 of 10 (its first 59 of 125 steps)": the epoch the run is in or ended in, of the planned. */
export function describeEpoch(p: RunProgress): string {
  const of = p.epochsPlanned !== null ? ` of ${p.epochsPlanned}` : '';
  const part = p.count.partialEpoch;
  const partText = part ? ` (its first ${n(part.steps)} of ${n(part.stepsPerEpoch)} steps)` : '';
  return `epoch ${p.count.epochs}${of}${partText}`;
}

/** "epoch 3 of 10 (its first 59 of 125 steps) · step 309 of 1,250": the head's and model card's line. */
export function describeProgress(p: RunProgress): string {
  return `${describeEpoch(p)} · ${describeSteps(p)}`;
}

/** Epoch `epoch` of a record or picture, saying when it is the part epoch a budget or Ctrl-C ended. */
export function describeEpochOf(p: RunProgress, epoch: number): string {
  const of = p.epochsPlanned !== null ? ` of ${p.epochsPlanned}` : '';
  const part = p.count.partialEpoch;
  const partText =
    part && epoch === p.count.epochs ? ` (part: ${n(part.steps)} of ${n(part.stepsPerEpoch)} steps)` : '';
  return `epoch ${epoch}${of}${partText}`;
}

/** "stopped by its 4.5-minute budget at step 401 of 1,560 (26 %)", or null for a run the budget did not end. */
export function budgetText(p: RunProgress): string | null {
  if (!p.budget) return null;
  const pct = p.stepsPlanned !== null ? ` (${p.budget.percent} %)` : '';
  return `stopped by its ${p.budget.minutes}-minute budget at ${describeSteps(p)}${pct}`;
}

/**
 * The status badge's word: "budget reached" for a completed run its time budget ended before its
 * planned steps (a run cut at 20 % is not shown as "completed"), else the run's status.
 */
export function statusLabel(run: ManifestRun): string {
  return runProgress(run).budget ? 'budget reached' : STATUS_TEXT[statusOf(run)];
}
