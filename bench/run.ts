/**
 * `npm run bench` runs every scenario but the opt-in ones; `npm run bench -- <scenario> [...]`
 * runs the ones named.
 * Each scenario measures tagcache and the libraries users would pick instead, side by side,
 * and prints ratios (also appended to bench/RESULTS.md).
 *
 * Scenarios measure the built packages (`dist`), what users install: run from `bench/` (as
 * `npm run bench` does), tsx reads `bench/tsconfig.json`, which has no `paths`. Under the root
 * tsconfig, tsx would load the TypeScript sources instead, compiled with esbuild's `keepNames`
 * (a `__name` call for every closure made on a hot path: a Redis hit cost ~25% more CPU).
 */
import { readdirSync } from 'node:fs';
import { startRun } from './lib/report.js';

interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Run only when named (slow, or needs a tool the machine may lack). */
  readonly optIn?: boolean;
  run(): Promise<void>;
}

const dir = new URL('./scenarios/', import.meta.url);
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

startRun(['lru-cache', 'bentocache', 'cache-manager', 'ioredis', 'memjs', 'express', 'koa']);
for (const name of wanted.length > 0 ? wanted : available) {
  const scenario = (await import(new URL(`${name}.ts`, dir).href)).default as Scenario;
  if (scenario.optIn && wanted.length === 0) continue;
  console.log(`\n== ${scenario.name}: ${scenario.description}`);
  await scenario.run();
}
