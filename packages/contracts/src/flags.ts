/**
 * The flag convention every GANForge command follows: long options are kebab-case (`--latent-dim`),
 * and the camelCase spellings older versions and config keys use (`--latentDim`) still work, because
 * the command line is rewritten to kebab-case before it is parsed.
 */

/** `latentDim` -> `latent-dim`, `lrD` -> `lr-d`, `adamBeta1` -> `adam-beta1`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Whether `flag` (with its leading dashes) is a kebab-case long option: lower case words and digits. */
export function isKebabFlag(flag: string): boolean {
  return /^--[a-z0-9]+(-[a-z0-9]+)*$/.test(flag);
}

/**
 * `argv` with every camelCase long option in kebab-case (`--maxMinutes=5` -> `--max-minutes=5`).
 * Values, short options and everything after `--` are left as they are.
 */
export function kebabFlags(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => {
    if ((end >= 0 && i >= end) || !arg.startsWith('--')) return arg;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    return `--${kebabCase(name)}${eq < 0 ? '' : arg.slice(eq)}`;
  });
}
