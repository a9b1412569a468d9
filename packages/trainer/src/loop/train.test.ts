import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli, trainCommand } from '../cli/train';
import { tf } from '../kernels/backend';
import { resolveConfig } from '../config';
import { ModelCardSchema, RunDir, RunStateSchema } from '@ganforge/contracts';
import { FileModelIO } from '../run/model-io';
import { resumeConfig } from './run-files';
import { train } from './train';
import type { TrainEvent } from './types';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'gf-train-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function generatorWeights(runDir: string): Promise<Float32Array> {
  const g = await tf.loadLayersModel(new FileModelIO(join(runDir, 'generator')));
  const flat = tf.concat(g.getWeights().map((w) => w.flatten()));
  const out = (await flat.data()) as Float32Array;
  g.dispose();
  flat.dispose();
  return out;
}

describe('gaussian2d (the d2l experiment)', () => {
  it('fits X·A + b: worst relative error well under the untrained ~100%', async () => {
    const out = join(tmp(), 'run');
    const events: TrainEvent['status'][] = [];
    const result = await train(resolveConfig({ flags: { preset: 'gaussian2d', seed: 3, out } }), {
      onEvent: (e) => events.push(e.status),
    });
    expect(result.epochsCompleted).toBe(20);
    expect(result.steps).toBe(20 * 125);
    expect(result.estimate!.worstRelErr).toBeLessThan(0.4);
    expect(events.filter((s) => s === 'epoch')).toHaveLength(20);
    // The run directory holds everything the other projects read.
    const run = new RunDir(out);
    expect(RunStateSchema.parse(run.readState()).status).toBe('completed');
    const card = ModelCardSchema.parse(run.readModelCard());
    expect(card.output).toEqual({ kind: 'points', dims: 2 });
    expect(card.finalMetrics.worstRelErr).toBeCloseTo(result.estimate!.worstRelErr, 10);
    expect(run.readMetrics()).toHaveLength(20);
    expect(run.readRealPoints()).toHaveLength(1000);
    expect(existsSync(join(out, 'samples', 'epoch-0020.png'))).toBe(true);
    expect(
      readFileSync(join(out, 'samples', 'epoch-0020.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(run.readConfig().lrD).toBe(0.05);
  });

  it('is repeatable with --seed and differs across seeds', async () => {
    const flags = { preset: 'gaussian2d', epochs: 1, limit: 200 };
    const [a, b, c] = [join(tmp(), 'a'), join(tmp(), 'b'), join(tmp(), 'c')];
    await train(resolveConfig({ flags: { ...flags, seed: 7, out: a } }));
    await train(resolveConfig({ flags: { ...flags, seed: 7, out: b } }));
    await train(resolveConfig({ flags: { ...flags, seed: 8, out: c } }));
    const [wa, wb, wc] = await Promise.all([generatorWeights(a), generatorWeights(b), generatorWeights(c)]);
    expect(Array.from(wa)).toEqual(Array.from(wb));
    expect(Array.from(wa)).not.toEqual(Array.from(wc));
  });

  it('never overwrites an existing run and stops cleanly when aborted', async () => {
    const out = join(tmp(), 'run');
    const controller = new AbortController();
    const result = await train(resolveConfig({ flags: { preset: 'gaussian2d', out } }), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.status === 'epoch' && e.record.epoch === 2) controller.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.epochsCompleted).toBe(2);
    expect(new RunDir(out).readState().status).toBe('interrupted');
    expect(existsSync(join(out, 'generator', 'model.json'))).toBe(true);
    await expect(train(resolveConfig({ flags: { preset: 'gaussian2d', out } }))).rejects.toThrow(
      /already exists/,
    );
  });

  it('refuses an --out that is a file, or lies inside one, before any work and without touching it', async () => {
    const file = join(tmp(), 'notes.txt');
    writeFileSync(file, 'keep me');
    const run = (out: string) => train(resolveConfig({ flags: { preset: 'gaussian2d', out } }));
    await expect(run(file)).rejects.toThrow(/--out .*notes\.txt is a file, not a folder: pass a folder path/);
    await expect(run(join(file, 'run'))).rejects.toThrow(/is inside .*notes\.txt, which is a file/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });
});

describe('--maxMinutes', () => {
  it('ends a run mid-epoch at the time budget with a checkpoint, the generator and a sample grid', async () => {
    const out = join(tmp(), 'budget');
    // A clock that moves 1 s per reading: the 1-minute budget ends the run after a few dozen steps.
    let now = 0;
    const clock = () => (now += 1000);
    const result = await train(
      resolveConfig({ flags: { preset: 'gaussian2d', maxMinutes: 1, evalEvery: 5, out } }),
      { clock },
    );
    expect(result.budgetReached).toBe(true);
    expect(result.interrupted).toBe(false);
    expect(result.epochsCompleted).toBe(0);
    expect(result.steps).toBeGreaterThan(0);
    expect(result.steps).toBeLessThan(125);
    expect(result.checkpoint).toBeDefined();
    const run = new RunDir(out);
    expect(run.readState().status).toBe('completed');
    expect(ModelCardSchema.parse(run.readModelCard()).steps).toBe(result.steps);
    expect(existsSync(join(out, 'generator', 'model.json'))).toBe(true);
    expect(existsSync(join(out, 'samples', 'epoch-0001.png'))).toBe(true);
    // The part epoch is recorded and scored as the run's last.
    const metrics = run.readMetrics();
    expect(metrics).toHaveLength(1);
    expect(Number.isFinite(metrics[0]!.extra?.['eval.frechet2d'])).toBe(true);
    expect(run.readModelCard().finalMetrics['eval.frechet2d']).toBe(metrics[0]!.extra!['eval.frechet2d']);
    // Continued, the epoch is recorded once, whole.
    await train(resumeConfig(out, { maxMinutes: 0 }), { resume: true });
    expect(run.readMetrics().map((m) => m.epoch)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe('--evalEvery', () => {
  it('scores the generator during training and names the evaluator in the model card', async () => {
    const points = join(tmp(), 'points');
    await train(
      resolveConfig({ flags: { preset: 'gaussian2d', epochs: 2, limit: 500, evalEvery: 1, out: points } }),
    );
    const pm = new RunDir(points).readMetrics();
    expect(pm.map((m) => Number.isFinite(m.extra?.['eval.frechet2d']))).toEqual([true, true]);
    const pc = ModelCardSchema.parse(new RunDir(points).readModelCard());
    expect(pc.evaluation).toMatchObject({ evaluator: 'points-2d', epoch: 2 });
    expect(pc.finalMetrics['eval.frechet2d']).toBe(pm[1]!.extra!['eval.frechet2d']);

    const images = join(tmp(), 'images');
    await train(resolveConfig({ flags: { preset: 'tiny', epochs: 1, evalEvery: 1, out: images } }));
    const ic = ModelCardSchema.parse(new RunDir(images).readModelCard());
    expect(ic.evaluation).toMatchObject({ evaluator: 'fmnist-classifier-v1', samples: 2000, epoch: 1 });
    // An untrained-ish generator is far from the data in the classifier's features.
    expect(ic.finalMetrics['eval.fd']).toBeGreaterThan(1);
    expect(ic.finalMetrics['eval.classesPresent']).toBeGreaterThanOrEqual(1);
  });
});

describe('image GAN on the bundled data', () => {
  it('trains the tiny preset and writes a sample grid', async () => {
    const out = join(tmp(), 'tiny');
    const result = await train(resolveConfig({ flags: { preset: 'tiny', epochs: 1, out } }));
    expect(result.metrics[0]!.lossD).toBeGreaterThan(0);
    const card = new RunDir(out).readModelCard();
    expect(card.output).toEqual({ kind: 'image', height: 28, width: 28, channels: 1, range: [-1, 1] });
    const png = readFileSync(join(out, 'samples', 'epoch-0001.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const g = await tf.loadLayersModel(new FileModelIO(join(out, 'generator', 'model.json')));
    expect(g.outputs[0]!.shape).toEqual([null, 28, 28, 1]);
    g.dispose();
  });
});

/** Bad inputs on disk, made once for the CLI table below. */
function badInputs() {
  const dir = tmp();
  const idx = (magic: number, dims: number[], body: number) => {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([head, Buffer.alloc(body, 3)]);
  };
  writeFileSync(join(dir, 'corrupt-images-idx3-ubyte'), idx(0x803, [10, 28, 28], 100));
  writeFileSync(join(dir, 'ok-images-idx3-ubyte'), idx(0x803, [4, 28, 28], 4 * 784));
  writeFileSync(join(dir, 'ok-labels-idx1-ubyte'), idx(0x801, [3], 3));
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'unreadable'));
  writeFileSync(join(dir, 'unreadable', 'a.png'), 'not an image');
  writeFileSync(join(dir, 'bad-config.json'), JSON.stringify({ epochs: 'two' }));
  return dir;
}
const bad = badInputs();

describe('trainer CLI', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(pkgDir, 'src/cli/main.ts'), ...args], {
      encoding: 'utf8',
      cwd: pkgDir,
      env: { ...process.env, NX_WORKSPACE_ROOT: '' },
    });

  it.each([
    [['--preset=nope'], /unknown preset "nope"; available presets: fashion, gaussian2d/],
    [['--colour=red'], /unknown option '--colour=red'[\s\S]*valid options: --preset, --arch, --dataset/],
    [[`--dataset=${join(bad, 'corrupt-images-idx3-ubyte')}`], /is truncated: header says 10 images/],
  ])('rejects %j with a one-line error, exit 1 and no stack', (args, message) => {
    const r = cli(...args);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  // The same command in this process (a process start costs seconds on a busy machine).
  it.each([
    [['--epochs=zero'], /--epochs expects a number/],
    [['--dataset=/no/such/file.gz'], /dataset file not found/],
    [[`--dataset=${join(bad, 'empty')}`, '--model=dcgan64'], /image folder .*empty is empty/],
    [[`--dataset=${join(bad, 'unreadable')}`, '--imageSize=8'], /cannot read image .*a\.png/],
    [
      [
        '--preset=cgan',
        `--dataset=${join(bad, 'ok-images-idx3-ubyte')}`,
        `--labels=${join(bad, 'ok-labels-idx1-ubyte')}`,
      ],
      /has 3 labels but .* has 4 images/,
    ],
    [
      [`--config=${join(bad, 'bad-config.json')}`],
      /epochs in .*bad-config\.json: Invalid input: expected number/,
    ],
    [['--loss=sideways'], /--loss must be one of minimax, non-saturating/],
    [['--resume', join(bad, 'empty')], /cannot resume .*no config\.json/],
  ])('refuses %j with one line and exit code 1', async (args, message) => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    try {
      const code = await runCli(trainCommand(), [...args, `--out=${join(tmp(), 'never')}`]);
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('')).toMatch(message);
    expect(lines.join('').trim().split('\n')).toHaveLength(1);
  });

  it('reports a Wasserstein critic by its gap, a classifier D by its accuracy', async () => {
    const epochLine = async (preset: string) => {
      const lines: string[] = [];
      const spy = vi
        .spyOn(console, 'log')
        .mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
      try {
        const args = [`--preset=${preset}`, '--model=mlp', '--epochs=1', '--limit=128', '--quiet'];
        expect(await runCli(trainCommand(), [...args, `--out=${join(tmp(), preset)}`])).toBe(0);
      } finally {
        spy.mockRestore();
      }
      return lines.find((l) => l.startsWith('epoch 1/1')) ?? '';
    };
    const wgan = await epochLine('wgan');
    expect(wgan).toMatch(/critic gap D\(x\)-D\(G\(z\)\) -?\d/);
    expect(wgan).not.toContain('acc_D');
    expect(await epochLine('mlp')).toMatch(/acc_D real \d\.\d\d fake \d\.\d\d/);
  });

  it('prints help with the presets', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    // Kebab-case flags with typed values: one convention for every ganforge subcommand.
    expect(r.stdout).toMatch(/--preset <string>/);
    expect(r.stdout).toMatch(/--latent-dim <int>/);
    expect(r.stdout).toMatch(/--lr-d <number>/);
    expect(r.stdout).toMatch(/--arch <choice>\s+architecture: gaussian2d \| mlp/);
    expect(r.stdout).toMatch(/gaussian2d\s+the d2l.ai GAN chapter/);
    for (const preset of ['mlp', 'dcgan28', 'dcgan64', 'cgan', 'wgan', 'wgan-gp'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${preset}\\s`));
    expect(r.stdout).toMatch(/Datasets \(--dataset\):[\s\S]*fashion-mnist-test[\s\S]*<folder>/);
    expect(r.stdout).toMatch(/--loss <choice>\s+minimax \| non-saturating/);
    expect(r.stdout).toMatch(/--resume <dir>/);
    expect(r.stdout).not.toMatch(/--latentDim|--model /);
    expect(r.stdout).toMatch(/--quiet/);
  });
});
