/**
 * How much it costs to hand a reader its own copy of a cached value, for the in-process hit
 * path (`packages/core/README.md`, "Values and copies"): `npx tsx bench/value-copies.ts`.
 * Prints ns per copy of a small and a medium value; run it twice, the machine is shared.
 */
import { JsonSerializer } from '../packages/core/src/serializers/json.js';
import { plainCopy } from '../packages/core/src/values/plain-copy.js';

const small = { id: 42, name: 'Espresso machine', price: 199.99, tags: ['kitchen', 'coffee'], stock: 7 };
const medium = {
  items: Array.from({ length: 50 }, (_, i) => ({
    ...small,
    id: i,
    createdAt: new Date(1_700_000_000_000 + i),
  })),
  total: 50,
};
const json = new JsonSerializer();

function time(label: string, fn: () => unknown): void {
  const rounds = 200_000;
  for (let i = 0; i < 20_000; i++) fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  const ns = Number(process.hrtime.bigint() - started) / rounds;
  console.log(`${label.padEnd(44)} ${ns.toFixed(0).padStart(8)} ns`);
}

for (const [name, value] of [
  ['small (5 fields)', small],
  ['medium (50 rows with a Date)', medium],
] as const) {
  const bytes = json.serialize(value);
  const text = JSON.stringify(value);
  console.log(`\n${name}`);
  time('shared (no copy)', () => value);
  time('Object.freeze (deep, once) then shared', () => value);
  time('plainCopy', () => plainCopy(value));
  time('structuredClone', () => structuredClone(value));
  time('JSON.parse(text)', () => JSON.parse(text));
  time('JsonSerializer.deserialize(bytes)', () => json.deserialize(bytes));
}
