/**
 * An export and the run it came from: the card's export section records the step and epoch the
 * generator was exported at (so a stale generator.onnx can be told from a current one), and an export
 * removes the temporaries an export killed mid-write left behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunDir, staleExport, type ModelCard } from '@ganforge/contracts';
import { initBackend, tf } from '@ganforge/trainer';
import { exportGenerator } from './export';
import { saveModel, tempDir } from './test/helpers';

const tmp = tempDir();
beforeAll(async () => {
  await initBackend();
});
afterAll(() => tmp.cleanup());

const card = (epochs: number, steps: number): ModelCard => ({
  name: 'run',
  preset: 'tiny',
  dataset: { name: 'synthetic', examples: 64 },
  latentDim: 4,
  output: { kind: 'points', dims: 2 },
  epochs,
  steps,
  generatorParams: 1,
  discriminatorParams: 1,
  wallTimeSec: 1,
  finalMetrics: {},
  reproduce: 'npx ganforge train --preset=tiny --seed=1',
});

async function makeRun(name: string): Promise<RunDir> {
  const run = new RunDir(join(tmp.dir, name));
  const g = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
  await saveModel(g, run.generatorDir);
  g.dispose();
  run.writeModelCard(card(2, 40));
  return run;
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
}

describe('an export and the run it came from', () => {
  it('records the step and epoch it exported, and tells when the run has trained past it', async () => {
    const run = await makeRun('age');
    await exportGenerator({ run: run.root });
    expect(run.readModelCard().export).toMatchObject({ step: 40, epoch: 2 });
    expect(staleExport(run.readModelCard())).toBeUndefined();
    // The trainer rewrites its sections as the run goes on; the export section stays.
    run.writeModelCard({ ...card(5, 100) });
    const lag = staleExport(run.readModelCard());
    expect(lag).toMatchObject({ step: 40, epoch: 2, runStep: 100, runEpochs: 5 });
    expect(lag!.message).toBe(
      'generator.onnx is older than the run: exported at step 40 (epoch 2), the run has trained to step 100 (epoch 5); export it again (npx ganforge export generator --run <run folder>) for the latest generator',
    );
  });

  it("removes a killed export's temporaries, and keeps a live one's", async () => {
    const run = await makeRun('temps');
    const dead = deadPid();
    const live = spawn('sleep', ['30']);
    try {
      const leftovers = [`generator.onnx.tmp-${dead}-1-1`, `model-card.json.tmp-${dead}-2-3`];
      const busy = `generator.onnx.tmp-${live.pid}-1-1`;
      for (const name of [...leftovers, busy]) writeFileSync(run.path(name), 'half written');
      await exportGenerator({ run: run.root });
      for (const name of leftovers) expect(existsSync(run.path(name)), name).toBe(false);
      expect(existsSync(run.path(busy))).toBe(true);
      expect(readdirSync(run.root).filter((n) => n.includes('.tmp-'))).toEqual([busy]);
    } finally {
      live.kill();
    }
  });
});
