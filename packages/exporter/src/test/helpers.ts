/** Test helpers: temp dirs, saving hand-built models, the ONNX checker. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelIO, type tf } from '@ganforge/trainer';

export function tempDir(prefix = 'ganforge-exporter-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Saves a model with the trainer's IO handler and returns its model.json path. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<string> {
  await model.save(new FileModelIO(dir));
  return join(dir, 'model.json');
}

/** Runs the reference ONNX checker (Debian's python3-onnx); throws with its message on failure. */
export function checkOnnx(file: string): void {
  execFileSync(
    '/usr/bin/python3',
    ['-c', 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', file],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}
