/** The commands a generator page offers to copy: export a run's generator, draw what is on screen. */
import type { GeneratorInfo } from '../../protocol';
import type { PageSource } from './loading';
import type { Plan } from './plan';

export function exportCommand(runName: string): string {
  return `npx ganforge export generator --run runs/${runName}`;
}

/** The CLI command that draws the samples (or points) of `plan` from the same model. */
export function sampleCommand(source: PageSource, plan: Plan, kind: GeneratorInfo['kind']): string {
  const model = source.kind === 'run' ? `runs/${source.run.name}/generator.onnx` : source.name;
  const same = plan.labels?.every((l) => l === plan.labels?.[0]);
  const labels = plan.labels ? ` --labels ${same ? plan.labels[0] : plan.labels.join(',')}` : '';
  return `npx ganforge sample --model ${model} --count ${plan.count} --seed ${plan.seed}${
    plan.truncation !== null ? ` --truncation ${plan.truncation}` : ''
  }${labels} --out samples.${kind === 'image' ? 'png' : 'csv'}`;
}
