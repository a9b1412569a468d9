/** The ONNX versions the exporter writes: the contract the SDK reads (see @ganforge/contracts/onnx). */
export { DEFAULT_OPSET, IR_VERSION, MIN_OPSET } from '@ganforge/contracts/onnx';
