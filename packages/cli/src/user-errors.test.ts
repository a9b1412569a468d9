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
import { describe, expect, it } from 'vitest';

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
});
