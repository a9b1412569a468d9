// Writes fixtures/rgb-4x4.onnx (a 16-latent generator of 3x4x4 images, the tests' rgbModel) and
// fixtures/rgb-4x4.expected.json (what the SDK generates from it at seed 3), which the consumer check
// compares an installed package against. Run: npx tsx scripts/make-fixture.ts
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGenerator } from '../src/node';
import { rgbModel } from '../src/testing/models';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const bytes = rgbModel().bytes;
await writeFile(join(dir, 'rgb-4x4.onnx'), bytes);
const g = await loadGenerator(bytes);
const r = await g.sample({ count: 2, seed: 3 });
await g.dispose();
if (r.kind !== 'image') throw new Error('expected an image generator');
const expected = { count: 2, seed: 3, shape: [r.pixels.length], first: Array.from(r.pixels.subarray(0, 12)) };
await writeFile(join(dir, 'rgb-4x4.expected.json'), JSON.stringify(expected) + '\n');
