/**
 * The trainer's package folder (data/, models/, package.json), found by the package's own name so it is
 * the same whether the code runs from src/ in the workspace or from a bundled dist/esm/ when installed.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export const PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve('@ganforge/trainer/package.json'));
