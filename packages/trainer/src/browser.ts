/**
 * The trainer's core for browsers (the gallery's playground trains in a Web Worker with it): models,
 * losses, optimizers, the TF.js step and its running sums, the compiled step on an onnxruntime module
 * the caller hands in (onnxruntime-web in a page), the critic schedule, the run's data order
 * and seeds, the config schema, the 2-D datasets and metrics. Nothing
 * here, or below it, imports a Node module, sharp or the file system; `browser.test.ts` bundles this
 * file for the browser and keeps it so. Reading and writing run folders stays in the Node entry.
 */
export * as tf from '@tensorflow/tfjs';
export {
  checkCombination,
  ConfigError,
  DEFAULTS,
  TrainConfigSchema,
  type ConfigOverrides,
  type TrainConfig,
} from './config';
export { buildModels, type GanModels, type ModelDataSpec } from './models';
export {
  buildPointsMlp,
  HIDDEN_ACTIVATIONS,
  POINTS_MLP_LIMITS,
  type HiddenActivation,
  type PointsMlpOptions,
} from './models/points-mlp';
export { objective, type Objective } from './gan/losses';
export { criticSchedule, type CriticSchedule } from './gan/critic-schedule';
export { makeOptimizer } from './gan/optimizers';
export { TfjsEngine, type TfjsEngineOptions } from './engine/tfjs-step';
export { OnnxEngine, type CompiledStepOptions } from './engine/onnx/engine';
export { createWebEngine, type WebEngineOptions } from './engine/onnx/web-engine';
export { UncompilableError } from './engine/onnx/net';
export type { Ort } from './engine/onnx/ort';
export type { EngineModels, StepBatch, TrainEngine } from './engine/types';
export { sumsFromList, sumsToList, zeroSums, type EpochSums } from './engine/sums';
export {
  shuffledOrder,
  stepSeed,
  streamState,
  trainStream,
  type StreamState,
  type TrainStream,
} from './loop/order';
export * from './data/points2d';
export { jsDivergence, pointMetrics, type PointMetrics } from './eval/point-metrics';
export { classCoverage, type ClassCoverage } from './eval/coverage';
export {
  gaussianEstimate,
  meanAndCovariance,
  targetCovariance,
  type GaussianEstimate,
} from './eval/estimate';
export { registerBrowserWasmKernels } from './kernels/browser';
export {
  checkpointDirName,
  checkpointFiles,
  layersModelFiles,
  type CheckpointFile,
} from './run/checkpoint-files';
