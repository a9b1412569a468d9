#!/usr/bin/env node
// The `ganforge` command. Installed from a tarball or a registry it runs the built dist/ with plain
// Node. In the GANForge workspace (where src/ is present) it runs the TypeScript sources through tsx,
// with the "@ganforge/source" condition so the other packages resolve to their sources too: a clone
// needs no build before the CLI works.
import { run } from './run.js';

await run('bin');
