import { describe, expect, it } from 'vitest';
import { conditionalModel, foreignModel } from '../e2e/fixture';
import { summarizeModel } from './model-summary';

describe('summarizeModel', () => {
  it('describes a foreign model from its graph', () => {
    const bytes = foreignModel();
    expect(summarizeModel(bytes)).toEqual({
      bytes: bytes.byteLength,
      producer: 'pytorch 2.1.0',
      opset: 17,
      inputs: [{ name: 'noise', shape: '[N,16,1,1]' }],
      outputs: [{ name: 'out', shape: '[N,1,4,4]' }],
      layers: ['Reshape', 'MatMul', 'Tanh', 'Reshape'],
      nodeCount: 4,
      // W (16x16) and the two shape constants (2 + 4 values).
      parameters: 256 + 2 + 4,
      ganforge: false,
    });
  });

  it('collapses repeated ops and sees the GANForge metadata', () => {
    const s = summarizeModel(conditionalModel());
    expect(s.layers).toEqual(['Gather', 'MatMul', 'Add ×2', 'Sigmoid', 'Reshape']);
    expect(s.inputs).toEqual([
      { name: 'z', shape: '[N,2]' },
      { name: 'label', shape: '[N]' },
    ]);
    expect(s.ganforge).toBe(true);
  });
});
