#!/usr/bin/env node
// The `export` command: `npx export generator …` runs `ganforge export generator …`. (A shell runs its
// own builtin `export` instead; the workspace's .npmrc script-shell, tools/npm-shell, routes it here.)
import { run } from './run.js';

await run('export-bin');
