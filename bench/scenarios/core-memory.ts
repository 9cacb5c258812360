/**
 * Core on the memory backend: get hit, tagged get hit, getOrSet hit and set, against
 * lru-cache (sync: the limit), lru-cache behind an async function (the ceiling of any awaited
 * API), bentocache and cache-manager 7. Every subject stores the same value under the same keys.
 */
import { CacheService, MemoryBackend } from '@tagcache/core';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { createCache } from 'cache-manager';
import { LRUCache } from 'lru-cache';
import { measure, type Subject } from '../lib/measure.js';
import { report } from '../lib/report.js';

const KEYS = 1_000;
const key = (i: number): string => `product:${i % KEYS}`;
const value = { id: 42, name: 'Espresso machine', price: 199.99, tags: ['kitchen', 'coffee'], stock: 7 };

async function run(): Promise<void> {
  const lru = new LRUCache<string, object>({ max: 10_000 });
  const tagcache = new CacheService({ backend: new MemoryBackend({ maxEntries: 10_000 }), defaultTtl: '1h' });
  const tagged = new CacheService({ backend: new MemoryBackend({ maxEntries: 10_000 }), defaultTtl: '1h' });
  const sharedTagged = new CacheService({
    backend: new MemoryBackend({ maxEntries: 10_000 }),
    defaultTtl: '1h',
    sharedValues: true,
  });
  const bento = new BentoCache({
    default: 'memory',
    stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000 })) },
  });
  const manager = createCache({ ttl: 3_600_000 });

  for (let i = 0; i < KEYS; i++) {
    lru.set(key(i), value);
    await tagcache.set(key(i), value);
    await tagged.set(key(i), value, { tags: ['products', `product:${i}`] });
    await sharedTagged.set(key(i), value, { tags: ['products', `product:${i}`] });
    await bento.set({ key: key(i), value, ttl: '1h', tags: ['products', `product:${i}`] });
    await manager.set(key(i), value);
  }
  const asyncLru = async (k: string) => lru.get(k);
  const loader = () => value;

  const gets: Subject[] = [
    { name: 'lru-cache (sync, limit)', reference: true, op: (i) => lru.get(key(i)) },
    { name: 'lru-cache behind async', op: (i) => asyncLru(key(i)) },
    { name: 'tagcache memory', op: (i) => tagcache.get(key(i)) },
    { name: 'bentocache memory', op: (i) => bento.get({ key: key(i) }) },
    { name: 'cache-manager 7', op: (i) => manager.get(key(i)) },
  ];
  report({ scenario: 'core-memory', title: 'Core memory: get hit', rows: await measure(gets) });

  const taggedGets: Subject[] = [
    { name: 'lru-cache (sync, limit)', reference: true, op: (i) => lru.get(key(i)) },
    { name: 'tagcache memory, 2 tags', op: (i) => tagged.get(key(i)) },
    { name: 'tagcache memory, 2 tags, sharedValues', op: (i) => sharedTagged.get(key(i)) },
    { name: 'bentocache memory, 2 tags', op: (i) => bento.get({ key: key(i) }) },
    { name: 'cache-manager 7 (no tags)', op: (i) => manager.get(key(i)) },
  ];
  report({
    scenario: 'core-memory',
    title: 'Core memory: tagged get hit',
    rows: await measure(taggedGets),
    notes: [
      'Goal (issue 11): tagcache tagged get ≥ 8× bentocache and ≥ 0.5× cache-manager; with sharedValues ≥ cache-manager.',
      'A hit is answered before any await; default reads get a structural copy of the value kept decoded (no parse per hit); sharedValues hands out the kept object, as lru-cache and cache-manager do.',
    ],
  });

  const getOrSets: Subject[] = [
    {
      name: 'lru-cache (sync, limit)',
      reference: true,
      op: (i) => lru.get(key(i)) ?? lru.set(key(i), value),
    },
    { name: 'tagcache getOrSet, 2 tags', op: (i) => tagged.getOrSet(key(i), loader, { tags: ['products'] }) },
    {
      name: 'tagcache getOrSet, 2 tags, sharedValues',
      op: (i) => sharedTagged.getOrSet(key(i), loader, { tags: ['products'] }),
    },
    { name: 'bentocache getOrSet', op: (i) => bento.getOrSet({ key: key(i), factory: loader }) },
    { name: 'cache-manager wrap', op: (i) => manager.wrap(key(i), loader) },
  ];
  report({ scenario: 'core-memory', title: 'Core memory: getOrSet hit', rows: await measure(getOrSets) });

  const sets: Subject[] = [
    { name: 'lru-cache (sync, limit)', reference: true, op: (i) => lru.set(key(i), value) },
    { name: 'tagcache set', op: (i) => tagcache.set(key(i), value) },
    {
      name: 'tagcache set, 2 tags',
      op: (i) => tagged.set(key(i), value, { tags: ['products', `product:${i % KEYS}`] }),
    },
    { name: 'bentocache set', op: (i) => bento.set({ key: key(i), value }) },
    { name: 'cache-manager 7 set', op: (i) => manager.set(key(i), value) },
  ];
  report({ scenario: 'core-memory', title: 'Core memory: set', rows: await measure(sets) });

  await tagcache.close();
  await tagged.close();
  await sharedTagged.close();
  await bento.disconnectAll();
  await manager.disconnect();
}

export default {
  name: 'core-memory',
  description: 'memory get/set/getOrSet vs lru-cache, bentocache, cache-manager',
  run,
};
