/** The train command's flag for each config key (the CLI's options and the model card's reproduce command). */
import { kebabCase } from '@ganforge/contracts';
import type { TrainConfig } from '../config';

/** Flags whose name differs from their config key: `model` is an ONNX or model.json file elsewhere. */
const FLAG_NAMES: Partial<Record<keyof TrainConfig, string>> = { model: 'arch', labels: 'label-file' };

/** The flag of a config key: its FLAG_NAMES entry or the key in kebab-case. */
export function flagOf(key: keyof TrainConfig): string {
  return FLAG_NAMES[key] ?? kebabCase(key);
}
