import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gf-no-tfjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A resolution hook that makes every @tensorflow/* and onnxruntime-* import throw, registered before
 * anything else loads: whatever imports the contracts with it fails if the contracts reach for them.
 */
const hooks = join(dir, 'hooks.mjs');
writeFileSync(
  hooks,
  `export async function resolve(specifier, context, next) {
  if (/^(@tensorflow\\/|onnxruntime-)/.test(specifier)) throw new Error('blocked import: ' + specifier);
  return next(specifier, context);
}
`,
);
const register = join(dir, 'register.mjs');
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
);

function node(script: string) {
  return spawnSync(
    process.execPath,
    [
      '--conditions=@ganforge/source',
      '--import',
      register,
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ],
    { cwd: import.meta.dirname, encoding: 'utf8', timeout: 60_000 },
  );
}

describe('@ganforge/contracts without TF.js', () => {
  it('the hook really blocks TF.js (the check below could not pass by accident)', () => {
    const r = node(`await import('@tensorflow/tfjs');`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/blocked import: @tensorflow\/tfjs/);
  });

  it('imports, and reads and writes a run directory, with @tensorflow/* and onnxruntime unavailable', () => {
    const run = join(dir, 'run');
    const r = node(`
      const c = await import('@ganforge/contracts');
      const onnx = await import('@ganforge/contracts/onnx');
      const run = new c.RunDir(${JSON.stringify(run)});
      run.writeConfig({ preset: 'tiny' });
      await run.appendMetrics({ epoch: 1, step: 8, lossD: 1, lossG: 1, accReal: 0.5, accFake: 0.5, examplesPerSec: 1, wallTimeSec: 1 });
      console.log(JSON.stringify([run.readConfig().preset, run.readMetrics().length, onnx.META.kind, c.DEFAULT_OPSET]));
    `);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['tiny', 1, 'ganforge.kind', 17]);
  });
});
