import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/**/*.test.ts'],
    // The browser test builds the site (brotli at its best takes about 30 s for the runtime on a quiet
    // core, several times that on a busy one) and drives Chromium; give it room on a small machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
