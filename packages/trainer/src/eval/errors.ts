/** Bad input to the evaluator: one line saying what was wrong and what to do. */
export class EvalError extends Error {
  override name = 'EvalError';
}
