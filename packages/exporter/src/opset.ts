/** ONNX versions the exporter writes: the Debian ONNX checker (onnx 1.12) validates up to opset 17, IR 8. */
export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 13;
export const IR_VERSION = 8;
