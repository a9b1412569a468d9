/**
 * What a user of the installed package reads names commands that work there: `npx ganforge …`, never
 * the workspace's `nx run` targets or paths under packages/ (in a user's project `npx nx` is not there).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../config';
import { train } from '../loop/train';
import { reporter } from './progress';
import { evalCommand } from './eval';
import { trainCommand } from './train';

const dir = mkdtempSync(join(tmpdir(), 'gf-installed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORKSPACE_ONLY = /nx run|packages\//;

describe('commands shown to users of the installed CLI', () => {
  it('help of train and eval', () => {
    for (const cmd of [trainCommand(), evalCommand()]) {
      let help = '';
      cmd.configureOutput({ writeOut: (s) => (help += s) }).exitOverride();
      expect(() => cmd.parse(['--help'], { from: 'user' })).toThrow();
      expect(help).toMatch(/Usage:/);
      expect(help).not.toMatch(WORKSPACE_ONLY);
    }
  });

  it("a fresh model card's reproduce line, and the evaluation hint after training", async () => {
    const out = join(dir, 'run');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    try {
      await train(resolveConfig({ flags: { preset: 'gaussian2d', epochs: 1, limit: 200, out } }), {
        onEvent: reporter(true),
      });
      // The hint of an image run scored during training (its numbers do not matter here).
      reporter(true)({
        status: 'done',
        result: {
          runDir: out,
          backend: 'cpu',
          engine: 'tfjs',
          epochsCompleted: 1,
          steps: 1,
          interrupted: false,
          budgetReached: false,
          wallTimeSec: 1,
          metrics: [
            {
              epoch: 1,
              step: 1,
              lossD: 1,
              lossG: 1,
              accReal: 1,
              accFake: 1,
              examplesPerSec: 1,
              wallTimeSec: 1,
              extra: { 'eval.fd': 3 },
            },
          ],
        },
      });
    } finally {
      vi.restoreAllMocks();
    }
    const card = JSON.parse(readFileSync(join(out, 'model-card.json'), 'utf8'));
    expect(card.reproduce).toMatch(/^npx ganforge train --preset=gaussian2d --seed=1 /);
    expect(card.reproduce).not.toMatch(WORKSPACE_ONLY);
    expect(lines.join('\n')).toContain(`npx ganforge eval --run ${out}`);
    expect(lines.join('\n')).not.toMatch(WORKSPACE_ONLY);
  });
});
