/** The trainer's errors a user can fix are UserErrors: the commands print them as one line, no stack. */
import { isUserError } from '@ganforge/contracts';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors';
import { DatasetError } from '../data/idx';
import { PointsError } from '../data/points2d';
import { EvalError } from '../eval/errors';
import { ModelFileError } from '../run/model-io';
import { TrainingError } from '../loop/types';
import { UncompilableError } from '../engine/onnx/net';

describe("the trainer's user errors", () => {
  it.each([ConfigError, DatasetError, PointsError, EvalError, ModelFileError, TrainingError])(
    '%o is one',
    (E) => {
      const e = new E('what to do');
      expect(isUserError(e)).toBe(true);
      expect(e.name).toBe(E.name);
    },
  );

  it('an internal error is not', () => {
    expect(isUserError(new UncompilableError('x'))).toBe(false);
  });
});
