import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/**/*.test.ts'],
    // The browser test builds the site and drives Chromium; give it room on a small machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
