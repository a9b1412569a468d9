import { UserError } from '@ganforge/contracts/errors';

/** Base class for every error the SDK throws on purpose: the message says what was wrong and what to do. */
export class InferenceError extends UserError {
  override name = 'InferenceError';
}

/** An argument had the wrong type or value; the message names the argument. */
export class InvalidArgumentError extends InferenceError {
  override name = 'InvalidArgumentError';
}

/** The model says too little about itself (and the options do not fill the gap), or contradicts them. */
export class ModelInfoError extends InferenceError {
  override name = 'ModelInfoError';
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
