/**
 * Reading GANForge's metadata_props. The contract itself (input/output names, keys, opsets) lives in
 * @ganforge/contracts/onnx, shared with the exporter; it is re-exported as part of this entry's API.
 */
export {
  INPUT_LABEL,
  INPUT_LATENT,
  META,
  OUTPUT_IMAGE,
  OUTPUT_POINTS,
  type GeneratorKind,
  type Layout,
} from '@ganforge/contracts/onnx';
