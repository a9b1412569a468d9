import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./preflight.mjs', import.meta.url));
const run = (env) =>
  spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });

describe('npm test preflight', () => {
  it('stops at once with the install command when Chromium is missing and installing is off', () => {
    const started = Date.now();
    const r = run({ CHROMIUM_PATH: '/nonexistent/chromium', GANFORGE_PREFLIGHT_INSTALL: '0' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('headless Chromium');
    expect(r.stderr).toContain('apt-get install -y --no-install-recommends chromium');
    expect(r.stderr).toContain('CHROMIUM_PATH');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('passes quietly on a machine that has what the tests need', () => {
    // The workspace's own tests run after this preflight, so it has already passed on this machine.
    const r = run({ GANFORGE_PREFLIGHT_INSTALL: '0' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('npm test', () => {
  it('runs the preflight first, in the test script itself', async () => {
    // The workspace's .npmrc sets ignore-scripts, under which npm skips pre- and post-scripts (a
    // `pretest` would never run): the check has to be part of `test`.
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.scripts.test).toMatch(/^node tools\/preflight\.mjs && /);
    expect(pkg.scripts.pretest).toBeUndefined();
  });
});
