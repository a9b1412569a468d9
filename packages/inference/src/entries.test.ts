import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module specifier reachable from `entry` through relative imports (static and re-exports). */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(
      /(?:import|export)\s[^'";]*?from\s+'([^']+)'|import\s+'([^']+)'/g,
    )) {
      if (!spec) continue;
      if (spec.startsWith('.')) {
        const base = join(dirname(file), spec);
        visit(spec.endsWith('.ts') ? base : /\/onnx$/.test(spec) ? join(base, 'index.ts') : `${base}.ts`);
      } else packages.add(spec);
    }
  };
  visit(join(here, entry));
  return { files, packages };
}

describe('entry points', () => {
  it('browser.ts reaches onnxruntime-web and nothing from Node', () => {
    const { packages, files } = importGraph('browser.ts');
    expect(packages).toContain('onnxruntime-web');
    expect(
      [...packages].filter(
        (p) => p.startsWith('node:') || ['sharp', 'onnxruntime-node', 'fs', 'path'].includes(p),
      ),
    ).toEqual([]);
    expect([...files].some((f) => f.endsWith('node-images.ts'))).toBe(false);
  });

  it('node.ts reaches onnxruntime-node and not onnxruntime-web', () => {
    const { packages } = importGraph('node.ts');
    expect(packages).toContain('onnxruntime-node');
    expect(packages).not.toContain('onnxruntime-web');
  });

  it('the main entries reach none of the testing subpath (or playwright-core)', () => {
    for (const entry of ['node.ts', 'browser.ts', 'index.ts']) {
      const { packages, files } = importGraph(entry);
      expect(
        [...files].filter((f) => f.includes('/testing/')),
        entry,
      ).toEqual([]);
      expect(packages, entry).not.toContain('playwright-core');
    }
  });
});
