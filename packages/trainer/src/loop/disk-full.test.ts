/**
 * A disk that fills up mid-run: the checkpoint being written is removed rather than left half
 * written, and the error names the checkpoint that is intact and how to continue from it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type * as fsTypes from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileWriteError, RunDir } from '@ganforge/contracts';
import { resolveConfig, type ConfigOverrides } from '../config';
import { readCheckpointInfo } from '../run/checkpoint';
import { resumeConfig } from './run-files';
import { train } from './train';

/** The next write to a file whose path matches `file` fails once with `code`. */
const inject = vi.hoisted(() => ({ file: /$^/, code: '' }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fsTypes>();
  const paths = new Map<number, string>();
  return {
    ...real,
    openSync: (path: string, ...rest: [string]) => {
      const fd = real.openSync(path, ...rest);
      paths.set(fd, path);
      return fd;
    },
    writeSync: (fd: number, ...rest: [Uint8Array, number, number]) => {
      const path = paths.get(fd) ?? '';
      if (inject.code && inject.file.test(path)) {
        const code = inject.code;
        inject.code = '';
        throw Object.assign(new Error(`${code}: injected, write ${path}`), { code, syscall: 'write', path });
      }
      return real.writeSync(fd, ...rest);
    },
  };
});

const root = mkdtempSync(join(tmpdir(), 'gf-disk-full-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const base: ConfigOverrides = {
  preset: 'tiny',
  limit: 96,
  batchSize: 16,
  hiddenG: [16],
  hiddenD: [16],
  latentDim: 4,
};

describe('a full disk mid-run', () => {
  it('removes the half-written checkpoint and names the intact one to resume from', async () => {
    const out = join(root, 'run');
    // 6 steps an epoch: epoch 1's checkpoint is step 6; epoch 2's fails in its optimizer state.
    Object.assign(inject, { file: /step-000000012[\\/]optimizers\.bin/, code: 'ENOSPC' });
    const err = await train(resolveConfig({ flags: { ...base, epochs: 3, out } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileWriteError);
    const message = (err as Error).message;
    expect(message).toMatch(/^no space left on device writing .*optimizers\.bin: free some space/);
    expect(message).toMatch(
      /the last intact checkpoint is .*checkpoint[\\/]step-000000006 \(step 6, epoch 1\): once there is room, continue with --resume .*run$/,
    );
    expect(message).not.toContain('\n');
    expect(existsSync(join(out, 'checkpoint', 'step-000000012'))).toBe(false);
    expect(readCheckpointInfo(new RunDir(out)).step).toBe(6);
    expect(new RunDir(out).readState().status).toBe('failed');
    // And it does resume from there.
    const r = await train(resumeConfig(out), { resume: true });
    expect(r.steps).toBe(18);
  });

  it('says when no checkpoint was written yet', async () => {
    const out = join(root, 'early');
    Object.assign(inject, { file: /step-000000006[\\/]optimizers\.bin/, code: 'ENOSPC' });
    const err = await train(resolveConfig({ flags: { ...base, epochs: 1, out } })).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /no checkpoint was written yet: once there is room, start the run again$/,
    );
    expect(existsSync(join(out, 'checkpoint', 'step-000000006'))).toBe(false);
  });
});
