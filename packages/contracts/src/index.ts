/**
 * @ganforge/contracts: what GANForge's packages agree on, with no TF.js and no onnxruntime behind it.
 * The run directory (file names, schemas, types, the atomic writer, the JSON-lines reader, the
 * model-card writer, its lock and what may be in it), the ONNX generator contract (also alone as `@ganforge/contracts/onnx`) and the
 * mark of an error a user can fix (`UserError`, `isUserError`; also alone as `@ganforge/contracts/errors`).
 */
export * from './schema';
export {
  describeFileError,
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
export { lockRunDir, runLockHolder, RunLockedError, type RunLockHandle } from './run-lock';
export { foreignEntries, removeRunEntries } from './run-layout';
export * from './onnx';
export { isUserError, UserError } from './errors';
export { isKebabFlag, kebabCase, kebabFlags } from './flags';
export { countEpochs, describeEpochs, type EpochCount } from './epochs';
