import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module specifier reachable from `entry` through relative imports (static, dynamic and re-exports). */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, from, bare, dynamic] of source.matchAll(
      /(?:import|export)\s[^'";]*?from\s+'([^']+)'|import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g,
    )) {
      const spec = from ?? bare ?? dynamic;
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

  it('each entry declares its own surface: no DOM in the Node one, no Node in the browser one', () => {
    const text = (entry: string) =>
      [...importGraph(entry).files].map((f) => [f, readFileSync(f, 'utf8')] as const);
    for (const [file, source] of text('node.ts')) {
      expect(source, file).not.toMatch(
        /reference lib="dom"|\b(ImageData|HTMLCanvasElement|OffscreenCanvas|Window)\b/,
      );
    }
    for (const [file, source] of text('browser.ts')) {
      expect(source, file).not.toMatch(/\bNodeJS\.|\bBuffer\b|from 'node:/);
    }
  });
});
