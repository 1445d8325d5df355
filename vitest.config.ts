import { defineConfig } from 'vitest/config';

// Unit and integration tests: real SQLite files, real sockets on loopback. The Playwright suite
// under e2e/ is run by `playwright test`, not here.
export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'common/**/*.test.ts', 'widget/**/*.test.ts', 'console/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'e2e/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every HTTP answer a test gets from Parley is checked against the OpenAPI document; the temp
    // directories the helpers made for a file go once it is done.
    setupFiles: ['test/setup/api-contract.ts', 'test/setup/temp-dirs.ts'],
  },
});
