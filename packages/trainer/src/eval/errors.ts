import { UserError } from '@ganforge/contracts/errors';

/** Bad input to the evaluator: one line saying what was wrong and what to do. */
export class EvalError extends UserError {
  override name = 'EvalError';
}
