import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunDir } from '@ganforge/contracts';
import { META } from '@ganforge/contracts/onnx';
import { decodeModel } from '@ganforge/inference/onnx';
import { FileModelIO, initBackend, tf } from '@ganforge/trainer';

const repoRoot = resolve(import.meta.dirname, '../../..');
const bin = join(repoRoot, 'packages/cli/bin/ganforge.js');
const tmp = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'ganforge-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
})();

/** The reference ONNX checker (Debian's python3-onnx); throws with its message on failure. */
function checkOnnx(file: string): void {
  const check = 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)';
  execFileSync('/usr/bin/python3', ['-c', check, file], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function saveModel(model: tf.LayersModel, dir: string): Promise<string> {
  await model.save(new FileModelIO(dir));
  return join(dir, 'model.json');
}

function ganforge(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 150_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A CLI failure: exit 1, exactly one line on stderr, prefixed, no stack trace. */
function expectOneLineError(r: ReturnType<typeof ganforge>, pattern: RegExp): void {
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ganforge: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

let modelJson: string;
beforeAll(async () => {
  await initBackend();
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 2, inputShape: [3], activation: 'tanh' }));
  modelJson = await saveModel(m, join(tmp.dir, 'model'));
});
afterAll(() => tmp.cleanup());

// Each call starts Node, tsx, TF.js and onnxruntime; on a busy 2-core machine that alone takes seconds.
describe('ganforge CLI', { timeout: 240_000 }, () => {
  it('prints help for the program and for export generator', () => {
    const top = ganforge('--help');
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/Usage: ganforge/);
    expect(top.stdout).toMatch(/export/);
    const sub = ganforge('export', 'generator', '--help');
    expect(sub.status).toBe(0);
    for (const flag of [
      '--run <dir>',
      '--model <file>',
      '--out <file>',
      '--opset <int>',
      '--fp16',
      '--layout <choice>',
      '--no-verify',
    ]) {
      expect(sub.stdout).toContain(flag);
    }
  });

  it('exports a model.json and prints shapes, size, parity per batch and the output path', () => {
    const out = join(tmp.dir, 'cli.onnx');
    const r = ganforge('export', 'generator', '--model', modelJson, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/inputs: +z float32 \[N, 3\]/);
    expect(r.stdout).toMatch(/outputs: +points float32 \[N, 2\]/);
    expect(r.stdout).toMatch(/size: +\d+ bytes/);
    expect(r.stdout).toMatch(/batch 1: max \|tfjs - onnxruntime\| = \d/);
    expect(r.stdout).toMatch(/batch 7: max \|tfjs - onnxruntime\| = \d/);
    expect(r.stdout).toMatch(/tolerance 0.0001/);
    expect(r.stdout).toMatch(/time: +load \d+ ms, convert \d+ ms, verify \d+ ms, write \d+ ms/);
    expect(r.stdout).toContain(`wrote:   ${out}`);
    checkOnnx(out);
  });

  it('--fp16 and --layout nhwc', () => {
    const out = join(tmp.dir, 'cli-fp16.onnx');
    const r = ganforge(
      'export',
      'generator',
      '--model',
      modelJson,
      '--out',
      out,
      '--fp16',
      '--layout',
      'nhwc',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/weights: float16/);
    expect(r.stdout).toMatch(/tolerance 0.005/);
    checkOnnx(out);
  });

  it('fails with one line for bad input', () => {
    expectOneLineError(
      ganforge('export', 'generator', '--run', join(tmp.dir, 'missing')),
      /run directory not found/,
    );
    const empty = join(tmp.dir, 'empty-run');
    mkdirSync(empty);
    expectOneLineError(ganforge('export', 'generator', '--run', empty), /no generator in/);
    expectOneLineError(
      ganforge('export', 'generator', '--model', modelJson, '--opset', '99'),
      /--opset.*'99' is invalid/,
    );
    expectOneLineError(
      ganforge('export', 'generator', '--model', modelJson, '--frobnicate'),
      /unknown option '--frobnicate'/,
    );
    expectOneLineError(ganforge('export', 'generator'), /exactly one of --run <dir> or --model/);
    expectOneLineError(ganforge('export', 'nothing'), /unknown command 'nothing'/);
    const corrupt = join(tmp.dir, 'corrupt');
    mkdirSync(corrupt);
    writeFileSync(join(corrupt, 'model.json'), '{"modelTopology": ');
    expectOneLineError(
      ganforge('export', 'generator', '--model', join(corrupt, 'model.json')),
      /is not valid JSON/,
    );
    expectOneLineError(
      ganforge('export', 'generator', '--model', modelJson, '--layout', 'nchwx'),
      /--layout.*'nchwx' is invalid. must be nchw or nhwc/,
    );
  });

  it('fails with one line, and writes nothing, for damaged weights and unwritable targets', () => {
    const dir = join(tmp.dir, 'damaged');
    mkdirSync(dir);
    const src = join(modelJson, '..');
    writeFileSync(join(dir, 'model.json'), readFileSync(join(src, 'model.json')));
    writeFileSync(join(dir, 'weights.bin'), readFileSync(join(src, 'weights.bin')).subarray(0, 4));
    expectOneLineError(
      ganforge('export', 'generator', '--model', join(dir, 'model.json')),
      /weights of .* hold 4 bytes but the manifest needs 32/,
    );
    const missing = join(tmp.dir, 'nowhere', 'g.onnx');
    expectOneLineError(
      ganforge('export', 'generator', '--model', modelJson, '--out', missing),
      /output folder .*nowhere does not exist/,
    );
    expect(existsSync(join(tmp.dir, 'nowhere'))).toBe(false);
    const locked = join(tmp.dir, 'locked.onnx');
    writeFileSync(locked, 'keep');
    chmodSync(locked, 0o444);
    expectOneLineError(
      ganforge('export', 'generator', '--model', modelJson, '--out', locked),
      /output file .*locked.onnx is read-only/,
    );
    expect(readFileSync(locked, 'utf8')).toBe('keep');
    expect(readdirSync(dir).filter((f) => f.includes('.onnx'))).toEqual([]);
  });

  it.each([
    { preset: 'tiny', flags: [], kind: 'image', output: /outputs: +image float32 \[N, 1, 28, 28\]/ },
    {
      preset: 'gaussian2d',
      flags: ['--epochs', '1'],
      kind: 'points',
      output: /outputs: +points float32 \[N, 2\]/,
    },
    {
      // The playground's editable 2-D MLP on another bundled set.
      preset: 'points',
      flags: ['--epochs', '1', '--dataset', 'moons', '--activation', 'tanh', '--hidden-g', '32,16'],
      kind: 'points',
      output: /outputs: +points float32 \[N, 2\]/,
    },
  ])(
    'trains a $preset run with ganforge train, then exports it with parity',
    ({ preset, flags, kind, output }) => {
      const dir = join(tmp.dir, `run-${preset}`);
      const trained = ganforge('train', '--preset', preset, '--out', dir, ...flags);
      expect(trained.status, trained.stderr).toBe(0);
      const r = ganforge('export', 'generator', '--run', dir);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(output);
      const run = new RunDir(dir);
      checkOnnx(run.onnxPath);
      const card = run.readModelCard();
      expect(card.export?.verifiedBatches).toEqual([1, 7]);
      expect(card.export?.maxAbsDiff as number).toBeLessThan(1e-4);
      const meta = Object.fromEntries(
        (decodeModel(readFileSync(run.onnxPath)).metadataProps ?? []).map((p) => [p.key, p.value]),
      );
      expect(meta).toMatchObject({
        [META.kind]: kind,
        [META.preset]: preset,
        [META.latentDim]: String(card.latentDim),
      });
    },
  );
});
