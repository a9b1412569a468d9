/** Exporting onto a failing disk: the model and its card are written together or not at all. */
import { readdirSync, readFileSync } from 'node:fs';
import type * as fsTypes from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileWriteError, RunDir, type ModelCard } from '@ganforge/contracts';
import { initBackend, tf } from '@ganforge/trainer';
import { exportGenerator } from './export';
import { saveModel, tempDir } from './test/helpers';

/** The fs call that fails next, for a file whose temporary name matches `file`, and its errno code. */
const inject = vi.hoisted(() => ({ call: '', file: /$^/, code: '' }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fsTypes>();
  const paths = new Map<number, string>();
  const fail = (name: string, path: string | undefined) => {
    if (inject.call !== name || !path || !inject.file.test(path)) return;
    inject.call = ''; // once: the disk has room again afterwards
    throw Object.assign(new Error(`${inject.code}: injected, ${name} ${path}`), { code: inject.code });
  };
  return {
    ...real,
    openSync: (path: string, flags: string) => {
      const fd = real.openSync(path, flags);
      paths.set(fd, path);
      return fd;
    },
    writeSync: (fd: number, buf: Uint8Array, off: number, len: number) => {
      if (inject.call === 'writeSync' && inject.file.test(paths.get(fd) ?? '')) {
        real.writeSync(fd, buf, off, Math.min(len, 16)); // part of it gets on disk first
      }
      fail('writeSync', paths.get(fd));
      return real.writeSync(fd, buf, off, len);
    },
    renameSync: (from: string, to: string) => {
      fail('renameSync', from);
      real.renameSync(from, to);
    },
  };
});

const tmp = tempDir();
beforeAll(async () => {
  await initBackend();
});
afterAll(() => tmp.cleanup());
afterEach(() => {
  inject.call = '';
});

const card: ModelCard = {
  name: 'test',
  preset: 'tiny',
  dataset: { name: 'synthetic', examples: 10 },
  latentDim: 4,
  output: { kind: 'points', dims: 2 },
  epochs: 1,
  steps: 1,
  generatorParams: 1,
  discriminatorParams: 1,
  wallTimeSec: 1,
  finalMetrics: {},
  reproduce: 'npx nx run trainer:train',
};

async function makeRun(name: string): Promise<RunDir> {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 2, inputShape: [4] }));
  const run = new RunDir(join(tmp.dir, name));
  await saveModel(m, run.generatorDir);
  m.dispose();
  run.writeModelCard(card);
  return run;
}

describe('exportGenerator on a failing disk', () => {
  const cases: [string, string, RegExp, string, (run: RunDir) => string][] = [
    [
      'no space for the card',
      'writeSync',
      /model-card\.json\.tmp-/,
      'ENOSPC',
      (run) =>
        `no space left on device writing ${run.path('model-card.json')}: free some space or pass another --out`,
    ],
    [
      'no space for the model',
      'writeSync',
      /generator\.onnx\.tmp-/,
      'ENOSPC',
      (run) => `no space left on device writing ${run.onnxPath}: free some space or pass another --out`,
    ],
    [
      'the card cannot be renamed into place',
      'renameSync',
      /model-card\.json\.tmp-/,
      'EACCES',
      (run) =>
        `permission denied writing ${run.path('model-card.json')}: make ${run.root} writable or pass another --out`,
    ],
  ];

  it.each(cases)(
    '%s: one line, neither file changes, no temporary file is left',
    async (name, call, file, code, say) => {
      const run = await makeRun(name.replace(/\W+/g, '-'));
      const before = readdirSync(run.root).sort();
      const cardBefore = readFileSync(run.path('model-card.json'), 'utf8');
      Object.assign(inject, { call, file, code });
      const err = await exportGenerator({ run: run.root }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileWriteError);
      expect((err as Error).message).toBe(say(run));
      expect(readdirSync(run.root).sort()).toEqual(before);
      expect(readFileSync(run.path('model-card.json'), 'utf8')).toBe(cardBefore);

      // Once the disk has room again, the same export writes both.
      const ok = await exportGenerator({ run: run.root });
      expect(readdirSync(run.root).sort()).toEqual([...before, 'generator.onnx'].sort());
      expect(run.readModelCard().export?.bytes).toBe(ok.bytes);
    },
  );
});
