/**
 * A Vite plugin for apps that use @ganforge/inference in the browser: it serves onnxruntime-web's
 * wasm runtime from the app itself (never a CDN), under `<base>ort/`, in dev and in the build.
 *
 * By default it points `onnxruntime-web` at the wasm-only build (ort.wasm.min.mjs, a 14 MB .wasm) instead
 * of the default WebGPU/JSEP bundle (a 28 MB .wasm that a bundler would copy in as an extra asset); that
 * build fetches its glue (.mjs) and .wasm from `wasmPaths`, so the page passes
 * `loadGenerator(url, { wasmPaths: new URL('ort/', document.baseURI).href })`. With `webgpu: true` it
 * points it at the WebGPU build instead (ort.webgpu.min.mjs, whose asyncify .wasm is 27 MB), for
 * `executionProviders: ['webgpu', 'wasm']`: WebGPU where the browser has an adapter, wasm elsewhere.
 * With `webgpu: 'also'` it keeps `onnxruntime-web` the wasm-only build and points
 * `onnxruntime-web/webgpu` at the WebGPU build, serving both runtimes: a page that imports the WebGPU
 * build only when it uses a GPU fetches the 27 MB runtime only then.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Alias, Plugin } from 'vite';

/** The files the wasm-only onnxruntime-web build loads at run time. */
export const ORT_WASM_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'] as const;
/** The files the WebGPU build (onnxruntime-web/webgpu) loads at run time. */
export const ORT_WEBGPU_FILES = [
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
] as const;

export interface OrtWasmOptions {
  /** Folder (relative to the app's base) the files are served from; default 'ort'. */
  dir?: string;
  /**
   * Bundle onnxruntime-web's WebGPU build instead of the wasm-only one (true; default false), for pages
   * that load with `executionProviders: ['webgpu', 'wasm']`; it runs the wasm provider too. 'also':
   * both, `onnxruntime-web` the wasm-only build and `onnxruntime-web/webgpu` the WebGPU one.
   */
  webgpu?: boolean | 'also';
}

const require = createRequire(import.meta.url);
const ortFile = (name: string): string => {
  try {
    return require.resolve(`onnxruntime-web/${name}`);
  } catch (err) {
    throw new Error(
      'onnxruntime-web is not installed: the SDK runs models in the browser with it; install it next to @ganforge/inference (npm install onnxruntime-web)',
      { cause: err },
    );
  }
};

/** What the plugin serves, and which entry file each runtime import specifier is pointed at. */
function builds(webgpu: OrtWasmOptions['webgpu']): { files: string[]; entries: [RegExp, string][] } {
  const wasm: [RegExp, string] = [/^onnxruntime-web$/, 'ort.wasm.min.mjs'];
  if (webgpu === 'also')
    return {
      files: [...ORT_WASM_FILES, ...ORT_WEBGPU_FILES],
      entries: [wasm, [/^onnxruntime-web\/webgpu$/, 'ort.webgpu.min.mjs']],
    };
  if (webgpu) return { files: [...ORT_WEBGPU_FILES], entries: [[/^onnxruntime-web$/, 'ort.webgpu.min.mjs']] };
  return { files: [...ORT_WASM_FILES], entries: [wasm] };
}

export function ganforgeOrt(options: OrtWasmOptions = {}): Plugin {
  const dir = (options.dir ?? 'ort').replace(/^\/+|\/+$/g, '');
  const { files, entries } = builds(options.webgpu);
  return {
    name: 'ganforge-ort-wasm',
    config: () => {
      // Resolved when Vite loads the plugin, so a missing onnxruntime-web is reported then, in words.
      const dist = dirname(ortFile(files[0]!));
      const alias: Alias[] = entries.map(([find, entry]) => ({ find, replacement: join(dist, entry) }));
      return {
        resolve: { alias },
        // onnxruntime-web loads its own glue at run time; pre-bundling it would break that import.
        optimizeDeps: { exclude: ['onnxruntime-web'] },
      };
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = req.url?.split('?')[0] ?? '';
        const name = path.slice(path.lastIndexOf(`/${dir}/`) + dir.length + 2);
        if (!path.includes(`/${dir}/`) || !files.includes(name)) return next();
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        createReadStream(ortFile(name)).pipe(res);
      });
    },
    generateBundle() {
      for (const name of files) {
        this.emitFile({ type: 'asset', fileName: `${dir}/${name}`, source: readFileSync(ortFile(name)) });
      }
    },
  };
}
