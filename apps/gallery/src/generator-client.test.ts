import { describe, expect, it } from 'vitest';
import { GenerationError, problemWords } from './generator-client';

describe('GenerationError', () => {
  it("carries the SDK's reason a model cannot be used, said in words", () => {
    const e = new GenerationError('the model has two float inputs', 'not-a-generator');
    expect(e.reason).toBe('not-a-generator');
    expect(problemWords(e.reason!)).toMatch(/not a generator/);
    expect(new GenerationError('worker failed').reason).toBeUndefined();
  });
});
