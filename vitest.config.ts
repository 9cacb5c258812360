import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources; test/package checks the built packages separately.
    alias: [
      { find: /^@tagcache\/core\/testing$/, replacement: src('./packages/core/src/testing/index.ts') },
      { find: /^@tagcache\/core\/backend$/, replacement: src('./packages/core/src/backend.ts') },
      { find: /^@tagcache\/core\/config$/, replacement: src('./packages/core/src/config/index.ts') },
      { find: /^@tagcache\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@tagcache\/middleware\/express$/, replacement: src('./packages/middleware/src/express.ts') },
      { find: /^@tagcache\/middleware\/koa$/, replacement: src('./packages/middleware/src/koa.ts') },
      { find: /^@tagcache\/middleware$/, replacement: src('./packages/middleware/src/index.ts') },
      { find: /^@tagcache\/dashboard\/express$/, replacement: src('./packages/dashboard/src/express.ts') },
      { find: /^@tagcache\/dashboard\/koa$/, replacement: src('./packages/dashboard/src/koa.ts') },
      { find: /^@tagcache\/dashboard$/, replacement: src('./packages/dashboard/src/index.ts') },
      { find: /^@tagcache\/prisma$/, replacement: src('./packages/prisma-extension/src/index.ts') },
      { find: /^@tagcache\/cdn$/, replacement: src('./packages/cdn/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: [
      './test/support/build-setup.ts',
      './test/support/global-setup.ts',
      './packages/prisma-extension/test/support/global-setup.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    pool: 'forks',
  },
});
