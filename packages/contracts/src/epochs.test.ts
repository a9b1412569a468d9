import { describe, expect, it } from 'vitest';
import { countEpochs, describeEpochs } from './epochs';

describe('counting epochs', () => {
  it('counts a part epoch as an epoch, with its steps', () => {
    expect(countEpochs(250, 125)).toEqual({ epochs: 2 });
    expect(countEpochs(184, 125)).toEqual({ epochs: 2, partialEpoch: { steps: 59, stepsPerEpoch: 125 } });
    expect(countEpochs(37, 64)).toEqual({ epochs: 1, partialEpoch: { steps: 37, stepsPerEpoch: 64 } });
    expect(countEpochs(0, 64)).toEqual({ epochs: 0 });
  });

  it('says it the same way everywhere', () => {
    expect(describeEpochs(countEpochs(250, 125))).toBe('2 epochs');
    expect(describeEpochs(countEpochs(125, 125))).toBe('1 epoch');
    expect(describeEpochs(countEpochs(184, 125))).toBe('2 epochs (the last 59/125 steps)');
    expect(describeEpochs(countEpochs(37, 64))).toBe('1 epoch (37/64 steps)');
    expect(describeEpochs(countEpochs(0, 64))).toBe('0 epochs');
  });
});
