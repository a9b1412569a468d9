/**
 * The fault-injection harness (nx run trainer:faults) with a few kills: real trainer processes killed
 * at random moments, resumed, and compared byte for byte with an uninterrupted run.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFaults } from '../../scripts/faults';

const root = mkdtempSync(join(tmpdir(), 'gf-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fault injection', () => {
  it('every killed run resumes to the uninterrupted weights and leaves nothing behind', async () => {
    const { summary, trials } = await runFaults({ kills: 3, seed: 4, root });
    expect(trials.filter((t) => t.outcome !== 'exact')).toEqual([]);
    expect(summary).toMatchObject({ kills: 3, exact: 3, corrupt: 0, inexact: 0, leaked: 0 });
    // Exact runs' folders are removed: only the reference remains.
    expect(readdirSync(root)).toEqual(['reference']);
  }, 300_000);
});
