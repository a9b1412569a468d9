import { UserError } from '@ganforge/contracts/errors';

/** A configuration a user can fix (its own module, so model builders and the schema share it without a cycle). */
export class ConfigError extends UserError {
  override name = 'ConfigError';
}
