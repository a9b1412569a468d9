/**
 * ONNX graphs the SDK must refuse or treat with care, for the tests: classifiers and discriminators
 * (not generators), outputs too large to run, a graph onnxruntime warns about, a 28x28 generator, and a
 * conditional generator whose class count only its embedding table tells.
 */
import { DataType } from '../onnx';
import { build, floatTensor, int64Tensor, node, value, weights } from './models';

const F = DataType.FLOAT;

/** An MNIST-style image classifier: x [N,1,28,28] -> Flatten -> x @ W + b -> logits [N,10]. */
export function classifierModel(): Uint8Array {
  return build({
    inputs: [value('x', F, ['N', 1, 28, 28])],
    output: value('logits', F, ['N', 10]),
    nodes: [
      node('Flatten', ['x'], ['f']),
      node('MatMul', ['f', 'W'], ['h']),
      node('Add', ['h', 'B'], ['logits']),
    ],
    initializers: [floatTensor('W', [784, 10], weights(31, 7840)), floatTensor('B', [10], weights(32, 10))],
  });
}

/** A GAN discriminator: x [N,1,28,28] -> sigmoid(flat(x) @ W) -> [N,1] (which reads as 1-D points). */
export function discriminatorModel(): Uint8Array {
  return build({
    inputs: [value('image', F, ['N', 1, 28, 28])],
    output: value('real', F, ['N', 1]),
    nodes: [
      node('Flatten', ['image'], ['f']),
      node('MatMul', ['f', 'W'], ['h']),
      node('Sigmoid', ['h'], ['real']),
    ],
    initializers: [floatTensor('W', [784, 1], weights(33, 784))],
  });
}

/** A classifier over flat images: x [N,784] -> x @ W -> [N,10]. */
export function flatClassifierModel(): Uint8Array {
  return build({
    inputs: [value('x', F, ['N', 784])],
    output: value('y', F, ['N', 10]),
    nodes: [node('MatMul', ['x', 'W'], ['y'])],
    initializers: [floatTensor('W', [784, 10], weights(34, 7840))],
  });
}

/**
 * z [N,16] -> one value per sample, broadcast by Expand to [N,3,8192,8192]: 201,326,592 values (805 MB)
 * per sample. `symbolic` names the output's sizes instead of declaring them, so only a run (or reading the
 * graph) tells them.
 */
export function hugeOutputModel(symbolic = false): Uint8Array {
  return build({
    inputs: [value('z', F, ['N', 16])],
    output: value('image', F, symbolic ? ['N', 'C', 'H', 'W'] : ['N', 3, 8192, 8192]),
    nodes: [
      node('MatMul', ['z', 'W'], ['h']),
      node('Reshape', ['h', 'one'], ['p']),
      node('Expand', ['p', 'size'], ['image']),
    ],
    initializers: [
      floatTensor('W', [16, 1], weights(35, 16)),
      int64Tensor('one', [-1, 1, 1, 1]),
      int64Tensor('size', [1, 3, 8192, 8192]),
    ],
  });
}

/** z [N,16] -> tanh(z @ W) -> [N,1,28,28]: an MNIST-sized generator, cheap to run. */
export function mnistSizedModel(): Uint8Array {
  return build({
    inputs: [value('z', F, ['N', 16])],
    output: value('image', F, ['N', 1, 28, 28]),
    nodes: [
      node('MatMul', ['z', 'W'], ['h']),
      node('Tanh', ['h'], ['t']),
      node('Reshape', ['t', 'shape'], ['image']),
    ],
    initializers: [floatTensor('W', [16, 784], weights(36, 16 * 784)), int64Tensor('shape', [-1, 1, 28, 28])],
  });
}

/** A working generator with an initializer no node uses: onnxruntime warns about it when it opens. */
export function unusedInitializerModel(): Uint8Array {
  return build({
    inputs: [value('z', F, ['N', 4])],
    output: value('points', F, ['N', 2]),
    nodes: [node('MatMul', ['z', 'W'], ['points'])],
    initializers: [floatTensor('W', [4, 2], weights(37, 8)), floatTensor('unused', [4], weights(38, 4))],
  });
}

/**
 * Conditional, no metadata: z [N,8] + label [N] -> tanh((z + E[label]) @ W) -> [N,1,2,2], with a
 * `classes` x 8 embedding table E: the graph alone says how many classes there are.
 */
export function embeddingModel(classes = 10): Uint8Array {
  return build({
    inputs: [value('z', F, ['N', 8]), value('y', DataType.INT64, ['N'])],
    output: value('image', F, ['N', 1, 2, 2]),
    nodes: [
      node('Gather', ['E', 'y'], ['e']),
      node('Add', ['z', 'e'], ['ze']),
      node('MatMul', ['ze', 'W'], ['h']),
      node('Tanh', ['h'], ['t']),
      node('Reshape', ['t', 'shape'], ['image']),
    ],
    initializers: [
      floatTensor('E', [classes, 8], weights(39, classes * 8)),
      floatTensor('W', [8, 4], weights(40, 32)),
      int64Tensor('shape', [-1, 1, 2, 2]),
    ],
  });
}
