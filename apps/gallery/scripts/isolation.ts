/**
 * The headers that make the gallery's pages cross-origin isolated (one table for every server: Vite's
 * dev and preview servers, the live server, the test and bench server). An isolated page has
 * SharedArrayBuffer, so onnxruntime-web runs the playground's compiled step on several threads. The
 * price is that the page may load cross-origin resources only where they opt in (CORP or CORS);
 * everything the gallery loads is its own, same-origin. Every response carries them: a worker's own
 * script response decides the worker's policy.
 */
export const CROSS_ORIGIN_ISOLATION: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
