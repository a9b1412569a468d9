/**
 * Writes the images a run would train on as an IDX file (uint8 [N, H, W, C], magic 0x00000804; 3-D
 * 0x00000803 for grayscale) and their labels beside them, so another tool trains on exactly GANForge's
 * pixels. Takes the training command's data keys, resolved the same way (preset, then flags):
 *
 *   npx tsx scripts/dump-dataset.ts --preset=emoji --out=emoji-images-idx4-ubyte.gz
 *   npx tsx scripts/dump-dataset.ts --dataset=path/to/folder --imageSize=80 --out=flowers-images-idx4-ubyte.gz
 *
 * Prints one JSON line: the dataset, how many images of which shape, and the files written.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isUserError } from '@ganforge/contracts';
import { parseFlagValues, resolveConfig } from '../src/config';
import { dumpDataset } from '../src/data/dump';

const USAGE =
  'usage: dump-dataset.ts --out=<file[.gz]> [--preset=<name>] [--dataset=<name|folder|IDX>] [--imageSize=N] [--channels=rgb|grayscale] [--limit=N] [--no-labels]';

function usage(why: string): never {
  console.error(`dump-dataset: ${why}\n${USAGE}`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const flags: Record<string, string> = {};
  let out: string | undefined;
  let labels = true;
  for (const arg of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) usage(`unexpected argument "${arg}"`);
    const [key, value] = [m[1]!, m[2]];
    if (key === 'no-labels') labels = false;
    else if (value === undefined) usage(`--${key} needs a value (--${key}=…)`);
    else if (key === 'out') out = value;
    else flags[key] = value;
  }
  if (!out) usage('--out is required');
  const config = resolveConfig({ flags: parseFlagValues(flags) });
  const path = resolve(out);
  mkdirSync(dirname(path), { recursive: true });
  const result = await dumpDataset(config, path, { labels });
  console.log(JSON.stringify({ preset: config.preset, dataset: config.dataset, ...result }));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (!isUserError(e)) throw e;
  console.error(`dump-dataset: ${e.message}`);
  process.exit(1);
});
