import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../kernels/backend';
import { resolveConfig, type ConfigOverrides } from '../config';
import { buildModels } from '../models';
import { readCheckpointInfo, restoreCheckpoint, writeCheckpoint } from '../run/checkpoint';
import { RunDir } from '@ganforge/contracts';
import { FileModelIO } from '../run/model-io';
import { resumeConfig } from './run-files';
import { train } from './train';
import { TrainingError } from './types';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gf-resume-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const base: ConfigOverrides = {
  preset: 'tiny',
  limit: 96,
  batchSize: 16,
  hiddenG: [16],
  hiddenD: [16],
  latentDim: 4,
  seed: 5,
};

async function weights(dir: string): Promise<number[]> {
  const g = await tf.loadLayersModel(new FileModelIO(dir));
  const out = g.getWeights().flatMap((w) => Array.from(w.dataSync()));
  g.dispose();
  return out;
}

/** How many float32 values differ in their bits (so -0 differs from 0). */
function differing(a: number[], b: number[]): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  const x = new Uint32Array(Float32Array.from(a).buffer);
  const y = new Uint32Array(Float32Array.from(b).buffer);
  return x.reduce((n, v, i) => n + (v === y[i] ? 0 : 1), 0);
}

describe('checkpoints and resume', () => {
  it('continues at the same step with the same optimizer state: same weights as an uninterrupted run', async () => {
    const straight = join(tmp(), 'straight');
    const a = await train(resolveConfig({ flags: { ...base, epochs: 2, emaDecay: 0.5, out: straight } }));
    expect(a.steps).toBe(12);

    // Stop in the middle of epoch 1 (after step 4), then resume to the end.
    const split = join(tmp(), 'split');
    const controller = new AbortController();
    const first = await train(resolveConfig({ flags: { ...base, epochs: 2, emaDecay: 0.5, out: split } }), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.status === 'step' && e.step === 4) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.steps).toBe(4);
    expect(readCheckpointInfo(new RunDir(split))).toMatchObject({ step: 4, epoch: 0, stepInEpoch: 4 });
    const starts: number[] = [];
    const b = await train(resumeConfig(split), {
      resume: true,
      onEvent: (e) => {
        if (e.status === 'start') starts.push(e.resumedAt!.step);
      },
    });
    expect(starts).toEqual([4]);
    expect(b.steps).toBe(12);
    expect(await weights(join(split, 'generator'))).toEqual(await weights(join(straight, 'generator')));
    expect(await weights(join(split, 'discriminator'))).toEqual(
      await weights(join(straight, 'discriminator')),
    );
    // The epoch figures come out the same too, and metrics.jsonl has one line per epoch.
    const ma = new RunDir(straight).readMetrics();
    const mb = new RunDir(split).readMetrics();
    expect(mb.map((m) => [m.epoch, m.step, m.lossD, m.lossG])).toEqual(
      ma.map((m) => [m.epoch, m.step, m.lossD, m.lossG]),
    );
  });

  it.each(['tfjs', 'onnxruntime'] as const)(
    'is bit-identical on %s when stopped where float32 β2^(t+1) differs from the running product (steps 2, 5, 20)',
    async (engine) => {
      // 0.999 in float32: pow(β, t + 1) and t + 1 multiplications part at t = 2, 5 and 18 to 46 (not at 4).
      const cfg = (out: string) => resolveConfig({ flags: { ...base, engine, epochs: 4, out } });
      const straight = join(tmp(), 'straight');
      expect((await train(cfg(straight))).steps).toBe(24);
      const expected = {
        g: await weights(join(straight, 'generator')),
        d: await weights(join(straight, 'discriminator')),
      };
      for (const stop of [2, 5, 20]) {
        const split = join(tmp(), `split-${stop}`);
        const controller = new AbortController();
        const first = await train(cfg(split), {
          signal: controller.signal,
          onEvent: (e) => {
            if (e.status === 'step' && e.step === stop) controller.abort();
          },
        });
        expect(first.steps).toBe(stop);
        if (stop === 5) {
          // A checkpoint written before the β powers were saved: they are rebuilt step by step.
          const dir = join(split, 'checkpoint', readCheckpointInfo(new RunDir(split)).dir);
          rmSync(join(dir, 'optimizer-powers.json'));
        }
        expect((await train(resumeConfig(split), { resume: true })).steps).toBe(24);
        expect(differing(await weights(join(split, 'generator')), expected.g), `G, stopped at ${stop}`).toBe(
          0,
        );
        expect(
          differing(await weights(join(split, 'discriminator')), expected.d),
          `D, stopped at ${stop}`,
        ).toBe(0);
      }
    },
  );

  it.each(['onnxruntime', 'tfjs'] as const)(
    'is bit-identical on %s with adaptive augmentation and lazy R1, stopped between updates of p',
    async (engine) => {
      // p moves by ±0.32 per update (every 4 steps of 16 images): it changes at every one.
      const flags = {
        ...base,
        engine,
        epochs: 4,
        augment: ['translation', 'cutout', 'color'],
        augmentP: 'auto',
        augmentSpeed: 5,
        r1: 1,
        r1Every: 3,
      } satisfies ConfigOverrides;
      const straight = join(tmp(), 'straight');
      const a = await train(resolveConfig({ flags: { ...flags, out: straight } }));
      expect(a.engine).toBe(engine);
      expect(a.steps).toBe(24);
      const records = (dir: string) =>
        new RunDir(dir).readMetrics().map((m) => [m.step, m.augmentP, m.overfitSignal, m.lossD]);
      const expected = records(straight);
      // p moved, and each epoch records p and r_t.
      expect(new Set(expected.map((r) => r[1])).size).toBeGreaterThan(1);
      expect(expected.every((r) => typeof r[1] === 'number' && typeof r[2] === 'number')).toBe(true);
      for (const stop of [2, 5, 7]) {
        const split = join(tmp(), `split-${stop}`);
        const controller = new AbortController();
        await train(resolveConfig({ flags: { ...flags, out: split } }), {
          signal: controller.signal,
          onEvent: (e) => {
            if (e.status === 'step' && e.step === stop) controller.abort();
          },
        });
        const saved = readCheckpointInfo(new RunDir(split)).augment;
        expect(saved?.signalCount, `stopped at ${stop}`).toBe((stop % 4) * base.batchSize!);
        expect((await train(resumeConfig(split), { resume: true })).steps).toBe(24);
        for (const net of ['generator', 'discriminator']) {
          const [got, want] = [await weights(join(split, net)), await weights(join(straight, net))];
          expect(differing(got, want), `${net}, stopped at ${stop}`).toBe(0);
        }
        expect(records(split)).toEqual(expected);
      }
    },
  );

  it('resumes after a completed epoch with a larger --epochs, and refuses to change the model', async () => {
    const out = join(tmp(), 'run');
    await train(resolveConfig({ flags: { ...base, epochs: 1, checkpointEvery: 2, out } }));
    const more = await train(resumeConfig(out, { epochs: 2 }), { resume: true });
    expect(more.epochsCompleted).toBe(2);
    expect(more.steps).toBe(12);
    expect(() => resumeConfig(out, { hiddenG: [8] })).toThrow(/--hiddenG cannot change/);
    // A new time budget for the continued run is allowed.
    expect(resumeConfig(out, { maxMinutes: 30 }).maxMinutes).toBe(30);
    expect(() => resumeConfig(join(tmp(), 'none'))).toThrow(/no config.json/);
  });

  it('resumes a run whose config.json predates the augmentation and R1 keys, with them off', async () => {
    const out = join(tmp(), 'run');
    await train(resolveConfig({ flags: { ...base, epochs: 1, out } }));
    const file = join(out, 'config.json');
    const old = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    for (const k of ['augment', 'augmentP', 'augmentTarget', 'augmentSpeed', 'r1', 'r1Every']) delete old[k];
    writeFileSync(file, JSON.stringify(old));
    const config = resumeConfig(out, { epochs: 2 });
    expect(config).toMatchObject({ augment: [], augmentP: 1, r1: 0, r1Every: 1 });
    expect((await train(config, { resume: true })).steps).toBe(12);
  });

  it('an interrupted checkpoint write leaves the previous checkpoint loadable', async () => {
    const out = join(tmp(), 'run');
    await train(resolveConfig({ flags: { ...base, epochs: 1, out } }));
    const run = new RunDir(out);
    const before = readCheckpointInfo(run);
    const config = resolveConfig({ flags: { ...base } });
    const m = buildModels(tf, config, { shape: [28, 28, 1] });
    const optD = tf.train.adam(1e-3);
    // The discriminator is gone when its turn comes: the write fails half-way, after the generator.
    m.discriminator.dispose();
    await expect(
      writeCheckpoint(
        run,
        { ...m, optimizers: { d: optD } },
        {
          epoch: 9,
          stepInEpoch: 0,
          step: 999,
          rngState: {},
          sums: [],
          ema: false,
        },
      ),
    ).rejects.toThrow();
    // A write that fails removes what it had written (the generator) ...
    expect(existsSync(join(out, 'checkpoint', 'step-000000999'))).toBe(false);
    expect(readCheckpointInfo(run)).toEqual(before);
    // ... while a kill mid-write leaves a half-written folder, as here.
    await m.generator.save(new FileModelIO(join(out, 'checkpoint', 'step-000000999', 'generator')));
    const fresh = buildModels(tf, config, { shape: [28, 28, 1] });
    const info = await restoreCheckpoint(tf, run, { ...fresh, optimizers: {} });
    expect(info.step).toBe(6);
    // And the run resumes from it (the half-written folder is cleaned up by the next checkpoint).
    const r = await train(resumeConfig(out, { epochs: 2 }), { resume: true });
    expect(r.steps).toBe(12);
    expect(existsSync(join(out, 'checkpoint', 'step-000000999'))).toBe(false);
    m.generator.dispose();
    fresh.generator.dispose();
    fresh.discriminator.dispose();
    optD.dispose();
  });

  it('a resume clears what a killed run left, and names a damaged checkpoint file', async () => {
    const out = join(tmp(), 'run');
    await train(resolveConfig({ flags: { ...base, epochs: 1, out } }));
    const ckpt = join(out, 'checkpoint');
    const { dir } = readCheckpointInfo(new RunDir(out));
    // Temporary files of a writer that was killed (a pid that has exited), one of a live writer, and a
    // checkpoint folder whose write never reached latest.json.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const leftovers = [
      join(ckpt, `latest.json.tmp-${dead}-1-1`),
      join(out, `state.json.tmp-${dead}-1-2`),
      join(ckpt, dir, 'generator', `weights.bin.tmp-${dead}-1-3`),
      // An export killed mid-write.
      join(out, `generator.onnx.tmp-${dead}-1-5`),
    ];
    const live = join(out, `model-card.json.tmp-${process.pid}-1-4`);
    for (const f of [...leftovers, live]) writeFileSync(f, '');
    mkdirSync(join(ckpt, 'step-000000099', 'generator'), { recursive: true });
    const r = await train(resumeConfig(out, { epochs: 2 }), { resume: true });
    expect(r.steps).toBe(12);
    expect(leftovers.filter((f) => existsSync(f))).toEqual([]);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(join(ckpt, 'step-000000099'))).toBe(false);
    rmSync(live);

    // Damage the checkpoint the run now points at.
    const bin = join(ckpt, readCheckpointInfo(new RunDir(out)).dir, 'optimizers.bin');
    const bytes = readFileSync(bin);
    writeFileSync(bin, bytes.subarray(0, bytes.length - 8));
    await expect(train(resumeConfig(out, { epochs: 3 }), { resume: true })).rejects.toThrow(
      new RegExp(
        `${bin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds ${bytes.length - 8} bytes where optimizers.json describes ${bytes.length}: the checkpoint is damaged`,
      ),
    );
    writeFileSync(bin.replace('.bin', '.json'), '[{"optimizer":');
    await expect(train(resumeConfig(out, { epochs: 3 }), { resume: true })).rejects.toThrow(
      /optimizers\.json is not valid JSON: the checkpoint is damaged; resume from a copy of the run or start again/,
    );
  });

  it('stops on a NaN/Inf loss with a clear message and keeps the last good checkpoint', async () => {
    const out = join(tmp(), 'run');
    await train(resolveConfig({ flags: { ...base, epochs: 1, out } }));
    const good = readCheckpointInfo(new RunDir(out));
    const err = await train(resumeConfig(out, { epochs: 3, lrD: 1e30, lrG: 1e30 }), { resume: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as Error).message).toMatch(
      /became NaN\/Inf at step \d+ \(epoch 2\).*last good checkpoint is kept in .*step-000000006.* lower --lr-d\/--lr-g/,
    );
    expect(readCheckpointInfo(new RunDir(out))).toEqual(good);
    expect(new RunDir(out).readState().status).toBe('failed');
    const w = await weights(join(out, 'generator'));
    expect(w.every(Number.isFinite)).toBe(true);
  });

  it('stops when the losses explode (a learning rate far too high) instead of finishing a run of noise', async () => {
    const out = join(tmp(), 'run');
    const err = await train(
      resolveConfig({ flags: { preset: 'gaussian2d', epochs: 2, limit: 200, lrD: 1e9, lrG: 1e9, out } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as Error).message).toMatch(
      /^the losses exploded \(loss_D [\d.e+]+, loss_G [\d.e+]+ at step \d+, epoch 1\): training stopped\. No checkpoint was written yet; lower --lr-d\/--lr-g \(now 1e\+9, 1e\+9\)/,
    );
    expect(new RunDir(out).readState().status).toBe('failed');
  });

  // Both engines: the compiled one hands its state back to TF.js at every epoch end.
  it.each(['onnxruntime', 'tfjs'] as const)(
    'leaks no tensors on %s: tf.memory().numTensors is flat from epoch to epoch',
    async (engine) => {
      const counts: number[] = [];
      await train(
        resolveConfig({
          flags: {
            ...base,
            engine,
            preset: 'cgan',
            model: 'mlp',
            epochs: 4,
            emaDecay: 0.9,
            instanceNoise: 0.1,
            augment: ['translation', 'cutout', 'color'],
            augmentP: 'auto',
            out: join(tmp(), 'run'),
          },
        }),
        {
          onEvent: (e) => {
            if (e.status === 'epoch') counts.push(tf.memory().numTensors);
          },
        },
      );
      expect(counts).toHaveLength(4);
      expect(new Set(counts.slice(1)).size).toBe(1);
      expect(counts[0]).toBe(counts[3]);
    },
  );

  it('passes each epoch to the epoch-end hook and records what it returns', async () => {
    const out = join(tmp(), 'run');
    const seen: number[] = [];
    await train(resolveConfig({ flags: { ...base, epochs: 2, out } }), {
      onEpochEnd: async ({ epoch, generator }) => {
        seen.push(epoch);
        return { outputs: generator.outputs.length, epochTimesTen: epoch * 10 };
      },
    });
    expect(seen).toEqual([1, 2]);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[1]!).extra).toEqual({ outputs: 1, epochTimesTen: 20 });
  });
});
