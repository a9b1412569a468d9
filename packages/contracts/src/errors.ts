/**
 * Errors a user can fix, whichever package throws them: a bad flag, a missing or damaged file, a full
 * disk, a model the converter cannot take. Their message is one line that says what was wrong and what
 * to do, so a command line prints just that line; any other error is a bug and keeps its stack.
 * Browser-safe: no Node modules, no dependencies.
 */

/**
 * The mark every user error carries, on its class's prototype. A registered symbol, so that the check
 * holds across two copies of this package (its ESM and CommonJS builds, or two installed versions),
 * where `instanceof` would not.
 */
const USER_ERROR: unique symbol = Symbol.for('ganforge.user-error');

/** Base class of every user-facing error class: subclass it and set `name`. */
export class UserError extends Error {
  override name = 'UserError';
}
Object.defineProperty(UserError.prototype, USER_ERROR, { value: true });

/** Whether `e` is an error a user can fix (one line, no stack), i.e. an instance of a UserError class. */
export function isUserError(e: unknown): e is Error {
  return e instanceof Error && (e as { [USER_ERROR]?: unknown })[USER_ERROR] === true;
}
