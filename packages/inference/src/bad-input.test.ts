/**
 * Bad input: each case is a typed error whose message says what was wrong and what to do, and the
 * generator (and the process) keeps working afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InferenceError,
  InvalidArgumentError,
  loadGenerator,
  MAX_VALUES_PER_CALL,
  ModelInfoError,
  OnnxModelLoadError,
} from './node';
import type { Generator } from './node';
import { DataType } from './onnx';
import { build, floatTensor, labelModel, node, rgbModel, value, weights } from './testing/models';

const here = dirname(fileURLToPath(import.meta.url));
const rgb = rgbModel().bytes;
let dir: string;
let server: Server;
let base: string;
let g: Generator;
let cond: Generator;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ganforge-bad-'));
  server = createServer((req, res) => {
    if (req.url === '/g.onnx') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(rgb);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  g = await loadGenerator(rgb);
  cond = await loadGenerator(labelModel().bytes);
});

afterAll(async () => {
  await g.dispose();
  await cond.dispose();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** The rejection of `p`, checked to be one of the SDK's typed errors with a one-line message. */
async function failure(p: Promise<unknown>): Promise<InferenceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InferenceError);
  const e = err as InferenceError;
  expect(e.message).not.toContain('\n');
  return e;
}

describe('model files', () => {
  it('refuses bytes that are not ONNX: text, JSON, an image header, zeros, nothing', async () => {
    const cases = [
      new TextEncoder().encode('hello, this is a text file\n'),
      new TextEncoder().encode('{"format":"layers-model","modelTopology":{}}'),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      new Uint8Array(1000),
    ];
    for (const bytes of cases) {
      const e = await failure(loadGenerator(bytes));
      expect(e).toBeInstanceOf(OnnxModelLoadError);
      expect(e.message).toMatch(/not an ONNX model.*pass a \.onnx file|ends early.*truncated/);
    }
    const empty = await failure(loadGenerator(new Uint8Array(0)));
    expect(empty.message).toBe('the model is empty (0 bytes): pass a .onnx file');
  });

  it('says a truncated file is truncated, from a path and from bytes', async () => {
    const path = join(dir, 'cut.onnx');
    for (const keep of [10, rgb.length >> 1, rgb.length - 1]) {
      await writeFile(path, rgb.subarray(0, keep));
      const e = await failure(loadGenerator(path));
      expect(e).toBeInstanceOf(OnnxModelLoadError);
      expect(e.message).toMatch(
        new RegExp(`ends early after ${keep} bytes .*truncated; download or export it again`),
      );
    }
  });

  it('names what a model without a float latent input lacks', async () => {
    // label int64 [N] -> Gather(E) -> [N,4]: no float input at all.
    const bytes = build({
      inputs: [value('label', DataType.INT64, ['N'])],
      output: value('image', DataType.FLOAT, ['N', 4]),
      nodes: [node('Gather', ['E', 'label'], ['image'])],
      initializers: [floatTensor('E', [3, 4], weights(1, 12))],
    });
    const e = await failure(loadGenerator(bytes));
    expect(e).toBeInstanceOf(ModelInfoError);
    expect(e.message).toBe(
      'unsupported generator inputs (label [N]): expected one float32 latent input and optionally one int64 label input',
    );
  });

  it('reports a URL that 404s and an unreachable server, then loads a good URL', async () => {
    const missing = await failure(loadGenerator(`${base}/missing.onnx`));
    expect(missing).toBeInstanceOf(OnnxModelLoadError);
    expect(missing.message).toBe(
      `could not fetch model ${base}/missing.onnx: HTTP 404 Not Found; check the URL`,
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await failure(loadGenerator(`http://127.0.0.1:${port}/g.onnx`));
    expect(down.message).toMatch(/could not fetch model .*check the URL and that the server is up/);
    const ok = await loadGenerator(new URL('/g.onnx', base));
    expect(ok.info.latentDim).toBe(16);
    await ok.dispose();
  });

  it('rejects a source of the wrong type', async () => {
    const e = await failure(loadGenerator(42 as unknown as string));
    expect(e.message).toMatch(/source must be a file path, a URL, a Uint8Array or an ArrayBuffer/);
  });
});

describe('sample arguments', () => {
  it('rejects count 0, negative, fractional, not a number, or too large', async () => {
    const limit = Math.floor(MAX_VALUES_PER_CALL / 48);
    const cases: [unknown, RegExp][] = [
      [0, /count must be a positive integer \(the number of samples\), got 0/],
      [-3, /got -3/],
      [2.5, /got 2\.5/],
      [Number.NaN, /got NaN/],
      [Infinity, /got Infinity/],
      ['4', /got '4' \(a string\)/],
      [undefined, /got undefined/],
      [1e9, new RegExp(`count 1000000000 is too large for one call: at most ${limit} samples`)],
      [limit + 1, /too large for one call.*call sample\(\) several times/],
    ];
    for (const [count, message] of cases) {
      const e = await failure(g.sample({ count: count as number, seed: 1 }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect(e.message).toMatch(message);
    }
    expect((await g.sample({ count: 3, seed: 1 })).count).toBe(3);
  });

  it('rejects a seed that is not a non-negative integer', async () => {
    for (const seed of [1.5, -1, Number.NaN, 2 ** 53, '7']) {
      const e = await failure(g.sample({ count: 1, seed: seed as number }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect(e.message).toMatch(/^seed must be a non-negative integer below 2\^53 \(e\.g\. seed: 7\), got /);
    }
    expect(() => g.latents(0.5, 1)).toThrow(InvalidArgumentError);
    await expect(g.interpolate(1.5, 2, 3)).rejects.toThrow(/seed must be a non-negative integer/);
  });

  it('rejects labels out of range, fractional or missing for a conditional model', async () => {
    for (const label of [3, -1, 1.5]) {
      const e = await failure(cond.sample({ count: 2, seed: 1, labels: [0, label] }));
      expect(e.message).toBe(`label ${label} is not a valid class index (0..2: cat, dog, bird)`);
    }
    await expect(cond.interpolate(1, 2, 3, { label: 7 })).rejects.toThrow(
      /label 7 is not a valid class index/,
    );
    expect((await cond.sample({ count: 2, seed: 1, labels: [0, 2] })).count).toBe(2);
  });

  it('accepts latents given as a view into a larger array', async () => {
    const all = g.latents(5, 4);
    const view = all.subarray(2 * 16);
    const a = await g.sample({ count: 2, latents: view });
    const b = await g.sample({ count: 2, latents: new Float32Array(view) });
    expect(a.kind === 'image' && b.kind === 'image' && a.pixels).toEqual(b.kind === 'image' && b.pixels);
    const c = await g.sample({ count: 4, seed: 5 });
    if (a.kind !== 'image' || c.kind !== 'image') throw new Error('expected images');
    expect(a.pixels).toEqual(c.pixels.subarray(2 * 48));
  });
});

describe('the CLI on bad input', () => {
  it('exits 1 with one line and no stack trace', async () => {
    const cut = join(dir, 'cli-cut.onnx');
    await writeFile(cut, rgb.subarray(0, 200));
    const good = join(dir, 'cli-good.onnx');
    await writeFile(good, rgb);
    const cases: [string[], RegExp][] = [
      [['--model', cut, '--count', '4'], /truncated/],
      [['--model', good, '--count', '100000000'], /too large for one call/],
      [['--model', good, '--count', '4', '--seed', '1.5'], /seed/],
      [['--model', good, '--count', '4', '--truncation', 'NaN'], /--truncation.*'NaN'.*positive number/],
    ];
    for (const [args, message] of cases) {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(here, 'cli', 'main.ts'), 'sample', ...args, '--out', join(dir, 'x.png')],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);

  it('samples with a tiny --truncation (1e-9) instead of redrawing for ever', async () => {
    const good = join(dir, 'cli-tiny.onnx');
    await writeFile(good, rgb);
    const out = join(dir, 'tiny.png');
    // The limit only turns a hang into a failure; the command itself takes a second or two.
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(here, 'cli', 'main.ts'),
        'sample',
        '--model',
        good,
        '--truncation',
        '1e-9',
        '--out',
        out,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(out)).toBe(true);
  }, 90_000);
});
