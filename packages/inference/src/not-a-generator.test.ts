/**
 * Models that are not generators (image classifiers, discriminators) are refused at load with what the
 * model looks like and why the SDK cannot use it, and a `reason` a program (the gallery) can read;
 * generators with small outputs (2-D point generators) still load.
 */
import { describe, expect, it } from 'vitest';
import { InferenceError, loadGenerator, ModelInfoError } from './node';
import { pointsModel } from './testing/models';
import { classifierModel, discriminatorModel, flatClassifierModel } from './testing/unusual-models';
import { build, floatTensor, node, value, weights } from './testing/models';
import { DataType } from './onnx';

async function refusal(bytes: Uint8Array): Promise<ModelInfoError> {
  const e = await loadGenerator(bytes).then(
    async (g) => {
      await g.dispose();
      return new Error(`loaded as a ${g.info.kind} generator`);
    },
    (err: unknown) => err as Error,
  );
  expect(e).toBeInstanceOf(ModelInfoError);
  expect(e.message).not.toContain('\n');
  return e as ModelInfoError;
}

describe('models that are not generators', () => {
  it('an image classifier', async () => {
    const e = await refusal(classifierModel());
    expect(e.reason).toBe('not-a-generator');
    expect(e.message).toBe(
      "this looks like an image classifier or discriminator, not a generator: its input 'x' [N,1,28,28] is an image and its output 'logits' [N,10] has 10 values per image; the SDK runs generators, which turn a latent vector (e.g. [N,100]) into an image or points",
    );
    expect(e.message).not.toMatch(/pass outputShape/);
  });

  it('a GAN discriminator (which would otherwise read as a 1-D point generator)', async () => {
    const e = await refusal(discriminatorModel());
    expect(e.reason).toBe('not-a-generator');
    expect(e.message).toMatch(
      /^this looks like an image classifier or discriminator, not a generator: its input 'image' \[N,1,28,28\] is an image and its output 'real' \[N,1\] has 1 value per image;/,
    );
  });

  it('a classifier of flat images', async () => {
    const e = await refusal(flatClassifierModel());
    expect(e.reason).toBe('not-a-generator');
    expect(e.message).toMatch(
      /^this looks like a classifier, not a generator: its output 'y' \[N,10\] has fewer values \(10\) than its input 'x' \[N,784\] \(784\)/,
    );
  });

  it('still loads generators with small outputs', async () => {
    // 64 latent values in, 2-D points out: fewer values out than in, and a generator all the same.
    const bytes = build({
      inputs: [value('z', DataType.FLOAT, ['N', 64])],
      output: value('y', DataType.FLOAT, ['N', 2]),
      nodes: [node('MatMul', ['z', 'W'], ['y'])],
      initializers: [floatTensor('W', [64, 2], weights(3, 128))],
    });
    for (const model of [bytes, pointsModel(false).bytes]) {
      const g = await loadGenerator(model);
      expect(g.info.kind).toBe('points');
      await g.dispose();
    }
  });

  it('marks what an option would settle, and what cannot be run at all', async () => {
    const flat = build({
      inputs: [value('z', DataType.FLOAT, ['N', 16])],
      output: value('y', DataType.FLOAT, ['N', 20]),
      nodes: [node('MatMul', ['z', 'W'], ['y'])],
      initializers: [floatTensor('W', [16, 20], weights(3, 320))],
    });
    const needs = await refusal(flat);
    expect(needs.reason).toBe('needs-option');
    expect(needs).toBeInstanceOf(InferenceError);
  });
});
