import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tar } from './tar';

describe('the run archive writer', () => {
  it('writes a tar file the system tar extracts byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ganforge-tar-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const weights = Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) % 256);
    const archive = tar([
      { path: 'run/generator/model.json', data: new TextEncoder().encode('{"a":1}') },
      { path: 'run/generator/weights.bin', data: weights },
      { path: 'run/real-points.json', data: new Uint8Array(0) },
    ]);
    expect(archive.length % 512).toBe(0);
    writeFileSync(join(dir, 'run.tar'), archive);
    const listed = spawnSync('tar', ['-tvf', 'run.tar'], { cwd: dir, encoding: 'utf8' });
    expect(listed.status, listed.stderr).toBe(0);
    const x = spawnSync('tar', ['-xf', 'run.tar'], { cwd: dir, encoding: 'utf8' });
    expect(x.status, x.stderr).toBe(0);
    expect(readFileSync(join(dir, 'run/generator/model.json'), 'utf8')).toBe('{"a":1}');
    expect(new Uint8Array(readFileSync(join(dir, 'run/generator/weights.bin')))).toEqual(weights);
    expect(readFileSync(join(dir, 'run/real-points.json')).length).toBe(0);
  });

  it('refuses names it cannot store', () => {
    expect(() => tar([{ path: 'a b/c', data: new Uint8Array(1) }])).toThrow(/unsupported name/);
    expect(() => tar([{ path: 'x'.repeat(120), data: new Uint8Array(1) }])).toThrow(/unsupported name/);
  });
});
