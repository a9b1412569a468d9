import { UserError } from '@ganforge/contracts/errors';

/**
 * Base class for every error the SDK throws on purpose: the message says what was wrong and what to do.
 * `cause` (ErrorOptions) keeps the underlying error, e.g. what onnxruntime or the file system said.
 */
export class InferenceError extends UserError {
  override name = 'InferenceError';
}

/** An argument had the wrong type or value; the message names the argument. */
export class InvalidArgumentError extends InferenceError {
  override name = 'InvalidArgumentError';
}

/**
 * Why a model cannot be used, for programs that act on it (a page that offers an option field, or says
 * the file is not a generator):
 * - 'needs-option': a load option (named in the message) would settle it;
 * - 'not-a-generator': the model is something else (an image classifier, a discriminator);
 * - 'too-large': not even one sample fits the SDK's per-call limit;
 * - 'unsupported': inputs or outputs the SDK cannot drive;
 * - 'contradiction': the options or the metadata contradict the graph.
 */
export type ModelProblem = 'needs-option' | 'not-a-generator' | 'too-large' | 'unsupported' | 'contradiction';

/** The model says too little about itself (and the options do not fill the gap), or contradicts them. */
export class ModelInfoError extends InferenceError {
  override name = 'ModelInfoError';
  /** What kind of problem this is; the message says it in words. */
  readonly reason: ModelProblem;
  constructor(message: string, options: ErrorOptions & { reason?: ModelProblem } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options.reason ?? (/\bpass \w+/.test(message) ? 'needs-option' : 'contradiction');
  }
}

/** The model bytes could not be read, parsed or opened by the runtime. */
export class OnnxModelLoadError extends InferenceError {
  override name = 'OnnxModelLoadError';
}

/** onnxruntime failed while running the model (shapes or types the model does not accept). */
export class ModelRunError extends InferenceError {
  override name = 'ModelRunError';
}

/** The generator was used after dispose(). */
export class DisposedError extends InferenceError {
  override name = 'DisposedError';
}

/**
 * The onnxruntime package this entry runs on (onnxruntime-node in Node, onnxruntime-web in a browser
 * bundle) is not installed: both are optional peer dependencies, and the app installs the one it uses.
 */
export class MissingRuntimeError extends InferenceError {
  override name = 'MissingRuntimeError';
}
