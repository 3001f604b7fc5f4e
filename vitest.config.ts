import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Run Chevrotain's grammar validations (skipped at start-up in production).
    env: { RECC_VALIDATE_GRAMMAR: '1' },
  },
});
