import { defineConfig } from 'tsup';

const shared = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  // Entries share one copy of each module (chunks), so `instanceof CacheError` holds across
  // subpaths in CommonJS too; `shims` gives the CJS build `import.meta.url` (lazy `yaml`).
  splitting: true,
  shims: true,
  external: ['ioredis', 'memjs', 'vitest', '@opentelemetry/api', 'yaml'],
} as const;

const entry = { index: 'src/index.ts', backend: 'src/backend.ts', 'config/index': 'src/config/index.ts' };

export default defineConfig([
  { ...shared, entry, format: ['cjs'], clean: true },
  // The conformance suite runs under Vitest, which is ESM-only.
  { ...shared, entry: { ...entry, 'testing/index': 'src/testing/index.ts' }, format: ['esm'] },
]);
