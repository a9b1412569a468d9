import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

// onnxruntime-web's plain wasm build (no WebGPU/JSEP); the site serves these itself under ort/.
const ORT_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'];
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
    // The SDK imports 'onnxruntime-web'; its default entry is the WebGPU/JSEP build (a 28 MB wasm).
    alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/wasm' }],
  },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
});
