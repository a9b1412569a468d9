/**
 * The onnxruntime API the compiled engine uses, by type only: the module itself is a parameter (the
 * engine's home hands it in), onnxruntime-node's in Node or onnxruntime-web's in a browser. Both
 * re-export onnxruntime-common's API, which these types name.
 */
import type * as Common from 'onnxruntime-common';

/** The part of an onnxruntime module the engine uses: onnxruntime-node's, or onnxruntime-web's. */
export type Ort = Pick<typeof Common, 'InferenceSession' | 'Tensor'>;
export type SessionOptions = Common.InferenceSession.SessionOptions;
export type Session = Common.InferenceSession;
export type Tensor = Common.Tensor;
export type DataLocation = Common.Tensor.DataLocation;
