import { describe, expect, it } from 'vitest';
import { isUserError, UserError } from './errors';
import { FileWriteError } from './io';
import { RunDirError } from './run-dir';

class SomeUserError extends UserError {
  override name = 'SomeUserError';
}

describe('user errors', () => {
  it('are the instances of UserError classes, and nothing else', () => {
    expect(isUserError(new SomeUserError('x'))).toBe(true);
    expect(isUserError(new UserError('x'))).toBe(true);
    expect(isUserError(new RunDirError('x'))).toBe(true);
    expect(isUserError(new FileWriteError('x', '/p', 'ENOSPC'))).toBe(true);
    expect(isUserError(new Error('x'))).toBe(false);
    expect(isUserError(new TypeError('x'))).toBe(false);
    expect(isUserError('x')).toBe(false);
    expect(isUserError(undefined)).toBe(false);
  });

  it('keep their own name and message, and the mark stays out of their own properties', () => {
    const e = new SomeUserError('what to do');
    expect(e).toBeInstanceOf(Error);
    expect(String(e)).toBe('SomeUserError: what to do');
    expect(Object.getOwnPropertySymbols(e)).toEqual([]);
  });

  it('are recognised by the mark, not by instanceof (another copy of this package)', () => {
    const copy = new Error('from another copy');
    Object.setPrototypeOf(
      copy,
      Object.create(Error.prototype, {
        [Symbol.for('ganforge.user-error')]: { value: true },
      }) as object,
    );
    expect(copy).not.toBeInstanceOf(UserError);
    expect(isUserError(copy)).toBe(true);
  });
});
