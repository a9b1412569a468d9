/** Signals sent to a real `trainer:train` process: SIGTERM stops it as Ctrl-C does, with a checkpoint. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpointInfo } from '../run/checkpoint';
import { RunDir } from '@ganforge/contracts';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'gf-signals-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a long run and sends `signal` once the first epoch line is out (a checkpoint exists then). */
function trainAndSignal(out: string, signal: NodeJS.Signals): Promise<Exit> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      main,
      '--preset=tiny',
      '--limit=96',
      '--batchSize=16',
      '--hiddenG=16',
      '--hiddenD=16',
      '--latentDim=4',
      // Far more than it gets through before the signal.
      '--epochs=100000',
      '--quiet',
      `--out=${out}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (!sent && /^epoch 1\//m.test(stdout)) {
      sent = true;
      child.kill(signal);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    child.on('close', (code, sig) => resolve({ code, signal: sig, stdout, stderr })),
  );
}

describe('trainer:train and signals', () => {
  it('SIGTERM stops after the current step, writes a checkpoint, marks the run interrupted and exits 143', async () => {
    const out = join(tmp, 'term');
    const r = await trainAndSignal(out, 'SIGTERM');
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toContain('SIGTERM: stopping after this step');
    const state = new RunDir(out).readState();
    expect(state.status).toBe('interrupted');
    expect(state.step).toBeGreaterThanOrEqual(6);
    // The checkpoint is of the last step done, and the printed resume hint names the run.
    expect(readCheckpointInfo(new RunDir(out)).step).toBe(state.step);
    expect(r.stdout).toContain(`checkpoint at step ${state.step}`);
    expect(r.stdout).toContain(`continue with: --resume ${out}`);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).epochs).toBe(100000);
  });

  it('Ctrl-C (SIGINT) stops the same way and exits 130, so `train && export` does not go on', async () => {
    const out = join(tmp, 'int');
    const r = await trainAndSignal(out, 'SIGINT');
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('stopping after this step (Ctrl-C again to quit at once)');
    const state = new RunDir(out).readState();
    expect(state.status).toBe('interrupted');
    expect(readCheckpointInfo(new RunDir(out)).step).toBe(state.step);
  });
});
