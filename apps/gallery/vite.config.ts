import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

// onnxruntime-web's plain wasm build (no WebGPU/JSEP); the site serves these itself under ort/.
const ORT_FILES: [string, ...string[]] = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'];
const require = createRequire(import.meta.url);
const ortFile = (name: string) => require.resolve(`onnxruntime-web/${name}`);

function ortRuntime(): Plugin {
  return {
    name: 'ganforge-ort-runtime',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.split('?')[0]?.replace(/^.*\/ort\//, '');
        if (!req.url?.includes('/ort/') || !name || !ORT_FILES.includes(name)) return next();
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        createReadStream(ortFile(name)).pipe(res);
      });
    },
    generateBundle() {
      for (const name of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(ortFile(name)) });
      }
    },
  };
}

// Vite's dev server injects <style> tags and talks over a websocket; the built site needs neither.
function devCsp(): Plugin {
  return {
    name: 'ganforge-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: wss:"),
  };
}

export default defineConfig({
  // Relative asset URLs: the built site works from any folder or sub-path.
  base: './',
  plugins: [ortRuntime(), devCsp()],
  resolve: {
    // The SDK imports 'onnxruntime-web', whose default entry is the WebGPU/JSEP build (a 28 MB wasm).
    // Use the wasm-only build that loads its glue (.mjs) and .wasm from wasmPaths: the "bundle" builds
    // reference the .wasm through new URL(..., import.meta.url), which would emit a second 14 MB copy.
    alias: [
      { find: /^onnxruntime-web$/, replacement: join(dirname(ortFile(ORT_FILES[0])), 'ort.wasm.min.mjs') },
    ],
  },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // Never inline assets as data: URLs; the Content-Security-Policy allows images from 'self' only.
    assetsInlineLimit: 0,
  },
});
