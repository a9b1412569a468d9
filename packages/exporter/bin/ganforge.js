#!/usr/bin/env node
// The `ganforge` command. The workspace runs its TypeScript sources directly through tsx, so a fresh
// `npm ci` is enough: no build step stands between a clone and the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
