/**
 * Exports smoke test: a fresh Node process imports the package by its name (ESM `import` and CJS
 * `require`) through package.json "exports", gets the Node entry, and generates the same images as
 * this process. (The browser side is browser.test.ts: a Vite build with the "browser" condition.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGenerator } from './node';
import { rgbModel } from './testing/models';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspaceRoot = resolve(packageRoot, '../..');
let dir: string;
let model: string;
let expected: number[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ganforge-exports-'));
  model = join(dir, 'g.onnx');
  await writeFile(model, rgbModel().bytes);
  const g = await loadGenerator(model);
  const r = await g.sample({ count: 2, seed: 3 });
  expected = Array.from(r.kind === 'image' ? r.pixels.subarray(0, 8) : []);
  await g.dispose();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * Runs `code` in a new Node process at the workspace root (where npm links the package), with the
 * workspace's source condition (installed elsewhere, the package resolves to dist/; see consumer-test).
 */
function node(code: string, esm: boolean): Record<string, unknown> {
  const args = [
    '--conditions=@ganforge/source',
    '--import',
    'tsx',
    ...(esm ? ['--input-type=module'] : []),
    '-e',
    code,
    model,
  ];
  const r = spawnSync(process.execPath, args, { cwd: workspaceRoot, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const SAMPLE = `
  const g = await sdk.loadGenerator(process.argv[1]);
  const r = await g.sample({ count: 2, seed: 3 });
  await g.dispose();
  const png = await sdk.encodeGrid(r);
  return { pixels: Array.from(r.pixels.subarray(0, 8)), png: png.subarray(1, 4).toString(),
    api: ['loadGenerator', 'writeGrid', 'seededLatents', 'InferenceError'].map((k) => typeof sdk[k]) };
`;

describe('package exports in Node', () => {
  it('ESM import resolves to the Node entry and generates', () => {
    const out = node(
      `import * as sdk from '@ganforge/inference';
       import * as onnx from '@ganforge/inference/onnx';
       import { ganforgeOrt } from '@ganforge/inference/vite';
       const run = async () => { ${SAMPLE} };
       console.log(JSON.stringify({ ...(await run()),
         resolved: import.meta.resolve('@ganforge/inference'),
         onnx: [typeof onnx.encodeModel, onnx.META.latentDim], vite: ganforgeOrt().name }));`,
      true,
    );
    expect(out).toEqual({
      pixels: expected,
      png: 'PNG',
      api: ['function', 'function', 'function', 'function'],
      resolved: `file://${packageRoot}/src/node.ts`,
      onnx: ['function', 'ganforge.latent_dim'],
      vite: 'ganforge-ort-wasm',
    });
  }, 60_000);

  it('CJS require resolves to the same Node entry and generates', () => {
    const out = node(
      `const sdk = require('@ganforge/inference');
       const run = async () => { ${SAMPLE} };
       run().then((r) => console.log(JSON.stringify({ ...r, resolved: require.resolve('@ganforge/inference') })));`,
      false,
    );
    expect(out).toEqual({
      pixels: expected,
      png: 'PNG',
      api: ['function', 'function', 'function', 'function'],
      resolved: join(packageRoot, 'src', 'node.ts'),
    });
  }, 60_000);
});

describe('committed fixture', () => {
  it('fixtures/rgb-4x4.expected.json is what the sources generate from fixtures/rgb-4x4.onnx', async () => {
    const fixtures = join(packageRoot, 'fixtures');
    const want = JSON.parse(await readFile(join(fixtures, 'rgb-4x4.expected.json'), 'utf8')) as {
      count: number;
      seed: number;
      first: number[];
    };
    const g = await loadGenerator(join(fixtures, 'rgb-4x4.onnx'));
    const r = await g.sample({ count: want.count, seed: want.seed });
    await g.dispose();
    expect(r.kind).toBe('image');
    expect(Array.from(r.kind === 'image' ? r.pixels.subarray(0, want.first.length) : [])).toEqual(want.first);
  });
});
