import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../kernels/backend';
import { FileModelIO } from './model-io';

const dir = mkdtempSync(join(tmpdir(), 'mio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileModelIO', () => {
  it('saves and loads a LayersModel that predicts the same', async () => {
    await initBackend();
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 5, inputShape: [3], activation: 'tanh' }));
    m.add(tf.layers.dense({ units: 2 }));
    await m.save(new FileModelIO(dir));
    const loaded = await tf.loadLayersModel(new FileModelIO(join(dir, 'model.json')));
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
    const a = (m.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));

    // Damaged files give errors that say what is wrong.
    truncateSync(join(dir, 'weights.bin'), 10);
    await expect(tf.loadLayersModel(new FileModelIO(dir))).rejects.toThrow(
      /hold 10 bytes but the manifest needs 128/,
    );
    writeFileSync(join(dir, 'model.json'), readFileSync(join(dir, 'model.json'), 'utf8').slice(0, 50));
    await expect(tf.loadLayersModel(new FileModelIO(dir))).rejects.toThrow(/not valid JSON/);
    await expect(tf.loadLayersModel(new FileModelIO(join(dir, 'none')))).rejects.toThrow(
      /model file not found/,
    );
  });
});
