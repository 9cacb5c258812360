import { defineConfig } from 'tsup';

const shared = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  external: ['ioredis', 'memjs', 'vitest', '@opentelemetry/api'],
} as const;

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], clean: true },
  // The conformance suite runs under Vitest, which is ESM-only.
  { ...shared, entry: { 'testing/index': 'src/testing/index.ts' }, format: ['esm'] },
]);
