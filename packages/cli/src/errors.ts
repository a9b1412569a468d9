/** A mistake on the command line: printed as one line, exit 1. */
export class CliError extends Error {
  override name = 'CliError';
}
