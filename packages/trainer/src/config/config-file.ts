/**
 * Reading a JSON config file: the one part of the configuration that needs the file system, kept out
 * of config.ts so the config schema and its checks load in a browser too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describeIssues, TrainConfigSchema, type ConfigOverrides } from './config';
import { ConfigError } from './errors';

/** Reads a JSON config file (a partial config). */
export function readConfigFile(path: string): ConfigOverrides {
  if (!existsSync(path)) throw new ConfigError(`config file not found: ${path}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = TrainConfigSchema.partial().safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, path));
  return parsed.data;
}
