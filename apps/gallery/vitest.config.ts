import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (their "@ganforge/source" export condition).
const source = '@ganforge/source';

export default defineConfig({
  resolve: { conditions: [source, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/**/*.test.ts'],
    // The browser test builds the site (brotli at its best takes about 30 s for the runtime on a quiet
    // core, several times that on a busy one) and drives Chromium; give it room on a small machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
