/**
 * @ganforge/contracts: what GANForge's packages agree on, with no TF.js and no onnxruntime behind it.
 * The run directory (file names, schemas, types, the atomic writer, the JSON-lines reader, the
 * model-card writer) and the ONNX generator contract (also alone as `@ganforge/contracts/onnx`).
 */
export * from './schema';
export {
  FileWriteError,
  isLeftoverTemp,
  jsonText,
  readJsonLines,
  stageFile,
  TEMP_NAME,
  writeFailure,
  writeFileAtomic,
  writeJsonAtomic,
  type StagedFile,
} from './io';
export { mergeModelCard, readJsonFile, RunDir, RunDirError, type ModelCardUpdate } from './run-dir';
export * from './onnx';
export { isUserError, UserError } from './errors';
export { isKebabFlag, kebabCase, kebabFlags } from './flags';
export { countEpochs, describeEpochs, type EpochCount } from './epochs';
