import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI's tests run the compiled command (dist/): built here when a source changed.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration and e2e tests start embedded engines and servers on ephemeral ports; files run
    // in parallel processes, tests within a file in order.
    pool: 'forks',
    maxWorkers: 2,
  },
});
