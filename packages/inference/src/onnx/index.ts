export * from './proto';
export * from './graph';
// The ONNX contract (input and output names, metadata_props keys) is @ganforge/contracts/onnx, shared
// with the exporter; this entry hands its names on to SDK users.
export {
  INPUT_LABEL,
  INPUT_LATENT,
  META,
  OUTPUT_IMAGE,
  OUTPUT_POINTS,
  type GeneratorKind,
  type Layout,
} from '@ganforge/contracts/onnx';
