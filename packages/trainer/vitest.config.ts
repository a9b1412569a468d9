import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // TF.js keeps one engine per process; files in separate forks keep backends independent.
    pool: 'forks',
  },
});
