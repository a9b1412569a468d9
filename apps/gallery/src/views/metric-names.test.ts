import { describe, expect, it } from 'vitest';
import { metricInfo } from './metric-names';

// The figures every bundled image evaluator writes (Fashion-MNIST's, the emoji set's, the default one).
const IMAGE_METRICS = [
  'eval.fd',
  'eval.kid',
  'eval.precision',
  'eval.recall',
  'eval.classifierScore',
  'eval.classesPresent',
];

describe('metricInfo', () => {
  it('describes image figures without naming one dataset or its class count', () => {
    for (const key of IMAGE_METRICS) {
      const info = metricInfo(key);
      expect(info, key).not.toBeNull();
      const words = `${info!.explain} ${info!.evaluator}`;
      expect(words, key).not.toMatch(/Fashion|MNIST|emoji|\d+ classes/i);
    }
  });

  it('labels each image figure’s axis in at most 20 characters, to fit a small chart’s height', () => {
    for (const key of IMAGE_METRICS) {
      const info = metricInfo(key)!;
      expect((info.axis ?? info.name).length, key).toBeLessThanOrEqual(20);
    }
  });

  it('keeps counts and spreads off the charts and names unknown hook figures from their key', () => {
    expect(metricInfo('eval.samples')).toBeNull();
    expect(metricInfo('eval.kidStd')).toBeNull();
    expect(metricInfo('eval.edgeSharpness')).toMatchObject({
      name: 'Edge sharpness',
      explain: 'recorded as edgeSharpness',
    });
  });
});
