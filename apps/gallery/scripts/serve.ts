/**
 * The gallery over a runs folder, live: the page follows runs as the trainer writes them (new runs,
 * epochs, pictures, curve points, status) without a rebuild or a reload.
 *
 *   tsx scripts/serve.ts [--runs <dir>] [--site <dir>] [--port <n>] [--host <addr>]
 *   npx nx run gallery:serve -- --runs runs/
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { ManifestError, scanRuns } from './build-manifest';
import { startLiveServer } from './live-server';

const appDir = resolve(fileURLToPath(import.meta.url), '../..');

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('use a port number from 0 to 65535');
  return n;
}

async function main(argv: string[]): Promise<void> {
  const workspaceRoot = process.env.NX_WORKSPACE_ROOT ?? resolve(appDir, '../..');
  const program = new Command()
    .name('serve')
    .description('Serve the built gallery with a runs folder, following runs as they train')
    .option('--runs <dir>', 'folder holding the run directories', join(workspaceRoot, 'runs'))
    .option('--site <dir>', 'the built site (npx nx run gallery:build)', join(appDir, 'dist'))
    .option('--port <n>', 'port to listen on (0: any free one)', port, 4300)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .parse(argv);
  const opts = program.opts<{ runs: string; site: string; port: number; host: string }>();
  const runsDir = resolve(workspaceRoot, opts.runs);
  try {
    // Says now, not at the first page view, when the folder is wrong.
    scanRuns(runsDir);
    const server = await startLiveServer({
      runsDir,
      siteDir: resolve(opts.site),
      port: opts.port,
      host: opts.host,
      warn: (m) => console.warn(`warning: ${m}`),
    });
    console.log(`gallery of ${runsDir}, live: ${server.url}  (Ctrl-C stops)`);
  } catch (e) {
    if (e instanceof ManifestError || (e instanceof Error && /no built site|EADDRINUSE/.test(e.message))) {
      console.error(`error: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}

void main(process.argv);
