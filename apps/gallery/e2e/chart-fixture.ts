/**
 * The fixture runs with what the charts and the step slider are checked on: the image run records
 * adaptive augmentation (p, r_t and its target) every epoch and a class count with its evaluation, and
 * had a time budget (maxMinutes 2) where the others had none.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '@ganforge/contracts';
import { IMAGE_RUN, writeFixtureRuns } from './fixture';

export const ADAPTIVE_TARGET = 0.6;

export async function writeChartRuns(runsDir: string): Promise<void> {
  await writeFixtureRuns(runsDir);
  const dir = join(runsDir, IMAGE_RUN);
  const metricsPath = join(dir, RUN_FILES.metrics);
  const records = readFileSync(metricsPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const lines = records.map((r, i) => {
    const extra = r['extra'] as Record<string, number> | undefined;
    return JSON.stringify({
      ...r,
      augmentP: 0.05 * (i + 1),
      overfitSignal: 0.8 - 0.1 * i,
      overfitTarget: ADAPTIVE_TARGET,
      ...(extra ? { extra: { ...extra, 'eval.classesPresent': 9 } } : {}),
    });
  });
  writeFileSync(metricsPath, `${lines.join('\n')}\n`);
  const configPath = join(dir, RUN_FILES.config);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(configPath, JSON.stringify({ ...config, maxMinutes: 2 }, null, 2));
}
