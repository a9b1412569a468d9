/** Which errors `ganforge` prints as one line: the UserErrors of every package, and nothing else. */
import { isUserError, RunDirError } from '@ganforge/contracts';
import {
  ExportError,
  ExportOptionError,
  LayersModelLoadError,
  UnsupportedLayerError,
} from '@ganforge/exporter';
import {
  DisposedError,
  InferenceError,
  InvalidArgumentError,
  ModelInfoError,
  ModelRunError,
  OnnxModelLoadError,
} from '@ganforge/inference';
import { ConfigError, ModelFileError } from '@ganforge/trainer';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { main } from './main';

// A train command that fails the way an unguarded write does on a read-only disk: a raw errno error.
vi.mock('@ganforge/trainer/cli', () => ({
  trainCommand: () =>
    new Command('train').action(() => {
      throw Object.assign(new Error("EROFS: read-only file system, open '/mnt/ro/run/metrics.jsonl'"), {
        code: 'EROFS',
        errno: -30,
        syscall: 'open',
        path: '/mnt/ro/run/metrics.jsonl',
      });
    }),
  evalCommand: () => new Command('eval'),
}));

describe('user errors across the packages', () => {
  it.each([
    RunDirError,
    ConfigError,
    ModelFileError,
    ExportError,
    ExportOptionError,
    LayersModelLoadError,
    UnsupportedLayerError,
    InferenceError,
    InvalidArgumentError,
    ModelInfoError,
    ModelRunError,
    OnnxModelLoadError,
    DisposedError,
  ])('%o is one', (E) => {
    expect(isUserError(new E('what to do'))).toBe(true);
  });

  it('a plain error is not', () => {
    expect(isUserError(new TypeError('x'))).toBe(false);
  });

  it('a write refused by the disk (EROFS, ENOSPC) prints as one line naming the file, not an errno stack', async () => {
    const lines: string[] = [];
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    try {
      expect(await main(['node', 'ganforge', 'train'])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([
      'ganforge: error: read-only file system: cannot write /mnt/ro/run/metrics.jsonl; pass an --out on a writable disk',
    ]);
  });
});
