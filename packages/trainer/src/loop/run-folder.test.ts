/**
 * The run folder's guards: --overwrite deletes only a GANForge run, and one trainer writes a run folder
 * at a time (its .lock), whatever way the run ends.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_FILES, RunDir, isUserError } from '@ganforge/contracts';
import { resolveConfig, type ConfigOverrides } from '../config';
import { resumeConfig } from './run-files';
import { train } from './train';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-run-folder-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const small: ConfigOverrides = { preset: 'gaussian2d', epochs: 1, limit: 200 };
const config = (out: string, more: ConfigOverrides = {}) =>
  resolveConfig({ flags: { ...small, ...more, out } });

/** The error `p` rejects with; fails when it resolves. */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}
const lockOf = (pid: number) =>
  JSON.stringify({ pid, host: hostname(), startedAt: '2026-12-01T00:00:00.000Z', command: 'train' });

describe('--overwrite', () => {
  it('replaces a run', async () => {
    const out = join(tmp(), 'run');
    await train(config(out));
    writeFileSync(join(out, 'generator.onnx.tmp-1-2-3'), 'a killed export');
    const r = await train(config(out, { seed: 9 }), { overwrite: true });
    expect(r.epochsCompleted).toBe(1);
    expect(new RunDir(out).readConfig().seed).toBe(9);
    expect(existsSync(join(out, 'generator.onnx.tmp-1-2-3'))).toBe(false);
  });

  it('deletes nothing in a folder that holds anything but a run, and says what is there', async () => {
    const out = join(tmp(), 'run');
    await train(config(out));
    writeFileSync(join(out, 'thesis.txt'), 'years of work');
    const e = await failure(train(config(out), { overwrite: true }));
    expect(isUserError(e)).toBe(true);
    expect(e.message).toMatch(
      /--overwrite .* holds thesis\.txt, which is no part of a GANForge run: .*nothing was deleted/,
    );
    expect(e.message).not.toContain('\n');
    expect(readFileSync(join(out, 'thesis.txt'), 'utf8')).toBe('years of work');
    expect(existsSync(join(out, 'generator', 'model.json'))).toBe(true);
  });

  it('deletes nothing where state.json is not a GANForge state', async () => {
    const out = join(tmp(), 'notarun');
    mkdirSync(out);
    writeFileSync(join(out, 'state.json'), '{"level": 3, "lives": 2}');
    writeFileSync(join(out, 'config.json'), '{"volume": 11}');
    const e = await failure(train(config(out), { overwrite: true }));
    expect(e.message).toMatch(/--overwrite .*state\.json .* not a GANForge run's state.*nothing was deleted/);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'state.json']);
  });
});

describe('one trainer per run folder', () => {
  it('refuses a second trainer on the same --out, naming the first one', async () => {
    const out = join(tmp(), 'run');
    let second: Error | undefined;
    await train(config(out, { epochs: 2 }), {
      onEvent: (e) => {
        if (e.status === 'epoch' && e.record.epoch === 1) {
          // The first trainer is running: a second one on the same folder, and a resume of it, are refused.
          expect(JSON.parse(readFileSync(join(out, RUN_FILES.lock), 'utf8')).pid).toBe(process.pid);
          void failure(train(config(out), { overwrite: true })).then((err) => (second = err));
        }
      },
    });
    expect(second?.message).toMatch(new RegExp(`run folder .* is in use by train \\(pid ${process.pid} on `));
    // Released when the run ends; the first run's files are whole.
    expect(existsSync(join(out, RUN_FILES.lock))).toBe(false);
    expect(new RunDir(out).readState()).toMatchObject({ status: 'completed', epoch: 2 });
    expect(new RunDir(out).readMetrics()).toHaveLength(2);
  });

  it('refuses --resume of a run another process is training', async () => {
    const out = join(tmp(), 'run');
    await train(config(out, { epochs: 1 }));
    writeFileSync(join(out, RUN_FILES.lock), lockOf(process.ppid));
    const e = await failure(train(resumeConfig(out, { epochs: 2 }), { resume: true }));
    expect(e.message).toMatch(new RegExp(`in use by train \\(pid ${process.ppid} on .*kill ${process.ppid}`));
    expect(new RunDir(out).readState().epoch).toBe(1);
  });

  it('takes over the lock of a trainer that was killed, and releases it when a run fails', async () => {
    const out = join(tmp(), 'run');
    await train(config(out, { epochs: 1 }));
    writeFileSync(join(out, RUN_FILES.lock), lockOf(deadPid()));
    await train(resumeConfig(out, { epochs: 2 }), { resume: true });
    expect(new RunDir(out).readState().epoch).toBe(2);
    expect(existsSync(join(out, RUN_FILES.lock))).toBe(false);
    // A run that fails after taking the lock (its dataset is not there) leaves none.
    const bad = join(tmp(), 'bad');
    await failure(train(config(bad, { dataset: join(bad, 'missing.json') })));
    expect(existsSync(join(bad, RUN_FILES.lock))).toBe(false);
  });
});

describe('an exported generator and the run it came from', () => {
  it('says when generator.onnx was exported at an earlier step than the run ends at', async () => {
    const out = join(tmp(), 'run');
    const first = await train(config(out, { epochs: 1 }));
    expect(first.staleExport).toBeUndefined();
    // What `ganforge export generator` records (it reads the card: step and epochs so far).
    const run = new RunDir(out);
    const card = run.readModelCard();
    run.writeModelCard({
      export: {
        file: 'generator.onnx',
        bytes: 1,
        opset: 17,
        maxAbsDiff: 0,
        verifiedBatches: [1],
        exportedAt: new Date().toISOString(),
        step: card.steps,
        epoch: card.epochs,
      },
    });
    expect((await train(resumeConfig(out), { resume: true })).staleExport).toBeUndefined();
    const later = await train(resumeConfig(out, { epochs: 2 }), { resume: true });
    expect(later.staleExport).toMatchObject({ step: card.steps, runStep: 2 * card.steps, runEpochs: 2 });
    expect(later.staleExport!.message).toContain(`npx ganforge export generator --run ${out}`);
  });
});
