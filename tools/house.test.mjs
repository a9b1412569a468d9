// The house rules that a linter per file cannot see: no import cycle anywhere in the sources of the
// packages and the gallery (type-only imports count too: a cycle of types still ties two files together).
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const SOURCES = ['packages/*/src/**/*.ts', 'apps/gallery/src/**/*.ts'];

async function cycles(patterns) {
  const tree = await parseDependencyTree(patterns, {
    context: root,
    transform: false,
    skipDynamicImports: false,
    exclude: /node_modules|\.test\.ts$/,
    tsconfig: `${root}/tsconfig.base.json`,
  });
  return { files: Object.keys(tree).length, cycles: parseCircular(tree) };
}

describe('the import graph', () => {
  it('has no cycle in packages/*/src or apps/gallery/src', async () => {
    const found = await cycles(SOURCES.map((p) => `${root}/${p}`));
    expect(found.files).toBeGreaterThan(100);
    expect(found.cycles.map((c) => c.join(' -> '))).toEqual([]);
  }, 60_000);
});
