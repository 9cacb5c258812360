/**
 * Stampede: 1,000 concurrent cold getOrSet calls with a 50 ms loader. Counts loader calls
 * (the goal: 1) and the wall time until every caller has its value, for tagcache and the
 * libraries users would pick instead. The four-process Redis variant runs in the fleet tests.
 */
import { CacheService, MemoryBackend } from '@tagcache/core';
import { createCache as createDedupe } from 'async-cache-dedupe';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { createCache } from 'cache-manager';
import { reportText } from '../lib/report.js';
import { figuresTable, timed } from '../lib/timing.js';

const CALLERS = 1_000;
const LOADER_MS = 50;

interface Contender {
  readonly name: string;
  /** Returns a function that reads key `k` through the library with `loader`. */
  readonly setup: (loader: () => Promise<string>) => Promise<(k: string) => Promise<unknown>>;
}

const contenders: Contender[] = [
  {
    name: 'tagcache getOrSet (memory)',
    setup: async (loader) => {
      const cache = new CacheService({ backend: new MemoryBackend(), defaultTtl: '1h' });
      return (k) => cache.getOrSet(k, loader, { tags: ['t'] });
    },
  },
  {
    name: 'bentocache getOrSet',
    setup: async (loader) => {
      const bento = new BentoCache({
        default: 'm',
        stores: { m: bentostore().useL1Layer(memoryDriver({})) },
      });
      return (k) => bento.getOrSet({ key: k, factory: loader, ttl: '1h' });
    },
  },
  {
    name: 'cache-manager 7 wrap',
    setup: async (loader) => {
      const manager = createCache({ ttl: 3_600_000 });
      return (k) => manager.wrap(k, loader);
    },
  },
  {
    name: 'async-cache-dedupe',
    setup: async (loader) => {
      const dedupe = createDedupe({ ttl: 3600, storage: { type: 'memory' } }).define(
        'load',
        async (_k: string) => loader(),
      );
      return (k) => (dedupe as unknown as { load: (k: string) => Promise<unknown> }).load(k);
    },
  },
];

async function run(): Promise<void> {
  const rows: string[][] = [];
  for (const contender of contenders) {
    let calls = 0;
    const loader = async (): Promise<string> => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, LOADER_MS));
      return 'value';
    };
    const read = await contender.setup(loader);
    const { ms } = await timed(() => Promise.all(Array.from({ length: CALLERS }, () => read('cold-key'))));
    rows.push([contender.name, String(calls), ms.toFixed(1)]);
  }
  reportText(
    figuresTable(
      `Stampede: ${CALLERS.toLocaleString('en-US')} concurrent cold reads, ${LOADER_MS} ms loader, one process`,
      ['library', 'loader calls', 'total ms'],
      rows,
    ),
  );
}

export default {
  name: 'stampede',
  description: '1,000 concurrent cold getOrSet, loader calls and total time',
  run,
};
