/**
 * The Vite plugin's three ways, as a bundler meets them: where it points onnxruntime-web's import
 * specifiers, and which runtime files it serves. (browser.test.ts and browser-webgpu.test.ts build real
 * pages with the first two; the gallery's build uses the third.)
 */
import { basename } from 'node:path';
import type { Alias, Plugin, UserConfig } from 'vite';
import { describe, expect, it } from 'vitest';
import { ganforgeOrt, ORT_WASM_FILES, ORT_WEBGPU_FILES, type OrtWasmOptions } from './vite';

/** The entry file each specifier resolves to (undefined: left to the package's own exports). */
function pointed(plugin: Plugin, specifiers: string[]): (string | undefined)[] {
  const config = (plugin.config as () => UserConfig)();
  const alias = config.resolve!.alias as Alias[];
  return specifiers.map((spec) => {
    const hit = alias.find((a) => (a.find as RegExp).test(spec));
    return hit ? basename(hit.replacement) : undefined;
  });
}

/** The files the plugin emits into the build. */
function emitted(plugin: Plugin): string[] {
  const files: string[] = [];
  const emitFile = (f: { fileName: string }) => files.push(f.fileName);
  (plugin.generateBundle as (this: unknown) => void).call({ emitFile });
  return files;
}

const SPECIFIERS = ['onnxruntime-web', 'onnxruntime-web/webgpu', 'onnxruntime-web/wasm'];

describe('ganforgeOrt', () => {
  it.each([
    [{}, ['ort.wasm.min.mjs', undefined, undefined], ORT_WASM_FILES],
    [{ webgpu: true }, ['ort.webgpu.min.mjs', undefined, undefined], ORT_WEBGPU_FILES],
    [
      { webgpu: 'also' },
      ['ort.wasm.min.mjs', 'ort.webgpu.min.mjs', undefined],
      [...ORT_WASM_FILES, ...ORT_WEBGPU_FILES],
    ],
  ] as [OrtWasmOptions, (string | undefined)[], readonly string[]][])(
    'with %o points the specifiers at %o and serves their runtimes',
    (options, entries, files) => {
      const plugin = ganforgeOrt({ ...options, dir: 'rt' });
      expect(pointed(plugin, SPECIFIERS)).toEqual(entries);
      expect(emitted(plugin)).toEqual(files.map((f) => `rt/${f}`));
    },
  );
});
