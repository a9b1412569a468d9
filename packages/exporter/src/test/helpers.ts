/** Test helpers: temp dirs, saving hand-built models, the ONNX checker. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelIO, tf } from '@ganforge/trainer';

export function tempDir(prefix = 'ganforge-exporter-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Saves a model with the trainer's IO handler and returns its model.json path. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<string> {
  await model.save(new FileModelIO(dir));
  return join(dir, 'model.json');
}

const CHECK = 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)';

/** Runs the reference ONNX checker (Debian's python3-onnx); throws with its message on failure. */
export function checkOnnx(file: string): void {
  execFileSync('/usr/bin/python3', ['-c', CHECK, file], { stdio: ['ignore', 'pipe', 'pipe'] });
}

const CHECK_MANY = `
import onnx, sys
bad = []
for f in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(f), full_check=True)
    except Exception as e:
        bad.append(f + ': ' + str(e).splitlines()[0])
print('\\n'.join(bad))
`;

/**
 * Checks many files with one Python start (importing onnx takes most of a check's time).
 * Returns "file: first line of the checker's complaint" for each file that fails.
 */
export function checkOnnxAll(files: string[]): string[] {
  const r = spawnSync('/usr/bin/python3', ['-c', CHECK_MANY, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ONNX checker did not run: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

/** Sets every BatchNormalization's weights and moving statistics far from the identity. */
export function randomizeBatchNorm(model: tf.LayersModel, seed = 11): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(
      layer.weights.map((w, i) =>
        w.originalName.endsWith('moving_variance')
          ? tf.randomUniform(w.shape as number[], 0.2, 3, 'float32', seed)
          : tf.randomNormal(
              w.shape as number[],
              w.originalName.endsWith('gamma') ? 1 : 0,
              0.7,
              'float32',
              seed + 1 + i,
            ),
      ),
    );
  }
}
