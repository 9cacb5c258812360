import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCachesConfig } from '../src/config/index.js';
import { CacheUsageError, createCaches, MemoryBackend } from '../src/index.js';

describe('createCaches', () => {
  it('builds named services with one default, each with its own TTL and prefix', async () => {
    const caches = createCaches({
      backends: [
        { name: 'hot', type: 'memory', default: true, defaultTtl: '1m', prefix: 'h:' },
        { name: 'big', type: 'memory', maxEntries: 5, defaultTtl: 3600 },
      ],
      service: { protection: { enabled: true, maxWait: '2s' } },
    });
    expect(caches.get().name).toBe('hot');
    expect(caches.get('big').name).toBe('big');
    expect(caches.names).toEqual(['hot', 'big']);
    await caches.get().set('k', 'hot value');
    expect(await caches.get('big').get('k')).toBeUndefined();
    expect(caches.get('big').backend).toBeInstanceOf(MemoryBackend);
    const health = await caches.health();
    expect(health.map((h) => [h.name, h.healthy])).toEqual([
      ['hot', true],
      ['big', true],
    ]);
    expect(() => caches.get('nope')).toThrow(/no cache named 'nope' \(have: hot, big\)/);
    await caches.close();
  });

  it('a single backend is the default by itself', () => {
    expect(createCaches({ backends: [{ name: 'only', type: 'memory' }] }).get().name).toBe('only');
  });

  it.each([
    [{}, 'backends'],
    [{ backends: [] }, 'backends'],
    [{ backends: [{ name: '', type: 'memory' }] }, 'backends[0].name'],
    [{ backends: [{ name: 'a', type: 'mongo' }] }, 'backends[0].type'],
    [{ backends: [{ name: 'a', type: 'memory', defaultTtl: '3 weeks' }] }, 'backends[0].defaultTtl'],
    [{ backends: [{ name: 'a', type: 'memory', maxEntries: -1 }] }, 'backends[0].maxEntries'],
    [{ backends: [{ name: 'r', type: 'redis', url: 'http://x' }] }, 'backends[0].url'],
    [{ backends: [{ name: 'm', type: 'memcached', servers: 'localhost' }] }, 'backends[0].servers'],
    [
      {
        backends: [
          { name: 'a', type: 'memory' },
          { name: 'a', type: 'memory', default: true },
        ],
      },
      'backends[1].name',
    ],
    [
      {
        backends: [
          { name: 'a', type: 'memory', default: true },
          { name: 'b', type: 'memory', default: true },
        ],
      },
      'backends',
    ],
    [
      {
        backends: [
          { name: 'a', type: 'memory' },
          { name: 'b', type: 'memory' },
        ],
      },
      'backends',
    ],
    [
      { backends: [{ name: 'a', type: 'memory' }], service: { protection: { lockTtl: 'x' } } },
      'service.protection.lockTtl',
    ],
    // A key no entry of its kind has (a typo, or another kind's) is never ignored.
    [{ backends: [{ name: 'a', type: 'memory', ttl: 60 }] }, 'backends[0].ttl'],
    [{ backends: [{ name: 'r', type: 'redis', url: 'redis://x', maxEntries: 5 }] }, 'backends[0].maxEntries'],
    [{ backends: [{ name: 'a', type: 'memory' }], service: { protecton: {} } }, 'service.protecton'],
    // The tiers, checked as CacheService checks them, with the config path.
    [{ backends: [{ name: 'a', type: 'memory', l1: {} }] }, 'backends[0].l1'],
    [
      { backends: [{ name: 'r', type: 'redis', url: 'redis://x', l1: { maxEntries: 0 } }] },
      'backends[0].l1.maxEntries',
    ],
    [{ backends: [{ name: 'm', type: 'memcached', servers: 'h:1', l1: {} }] }, 'backends[0].bus'],
    [
      { backends: [{ name: 'r', type: 'redis', url: 'redis://x', bus: { url: 'redis://y' } }] },
      'backends[0].bus',
    ],
    [
      {
        backends: [
          { name: 'm', type: 'memcached', servers: 'h:1', l1: {}, bus: { url: 'redis://y', chanel: 'c' } },
        ],
      },
      'backends[0].bus.chanel',
    ],
    [
      {
        backends: [{ name: 'm', type: 'memcached', servers: 'h:1', l1: {}, bus: { clusterNodes: ['nope'] } }],
      },
      'backends[0].bus.clusterNodes',
    ],
    [{ backends: [{ name: 'r', type: 'redis', sentinels: ['h:26379'] }] }, 'backends[0].masterName'],
    [
      { backends: [{ name: 'r', type: 'redis', url: 'redis://x', sentinels: ['h:26379'] }] },
      'backends[0].url',
    ],
    [{ backends: [{ name: 'r', type: 'redis', url: 'redis://x', tls: 'yes' }] }, 'backends[0].tls'],
  ])('rejects %j at start, naming %s', (config, field) => {
    let error: unknown;
    try {
      createCaches(config as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheUsageError);
    expect((error as CacheUsageError).field).toBe(field);
    expect((error as Error).message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('a mistyped key names the key it was probably meant to be', () => {
  it.each([
    [{ name: 'a', type: 'memory', defaultTTL: 60 }, 'backends[0].defaultTTL', 'defaultTtl'],
    [{ name: 'a', type: 'memory', maxEntires: 5 }, 'backends[0].maxEntires', 'maxEntries'],
    [{ name: 'r', type: 'redis', clusterNode: ['h:1'] }, 'backends[0].clusterNode', 'clusterNodes'],
  ])('%j', (entry, field, meant) => {
    const create = () => createCaches({ backends: [entry] } as never);
    expect(create).toThrow(CacheUsageError);
    expect(create).toThrow(`${field}: unknown key (did you mean '${meant}'?)`);
  });

  it('never repeats credentials it refuses', () => {
    const create = () =>
      createCaches({ backends: [{ name: 'r', type: 'redis', clusterNodes: ['user:s3cret@nohostport'] }] });
    expect(create).toThrow(CacheUsageError);
    expect(create).not.toThrow(/s3cret/);
  });
});

describe('config keys are the CacheService option names', () => {
  it('passes service settings to every service under their option names', async () => {
    const caches = createCaches({
      backends: [{ name: 'a', type: 'memory' }],
      service: { protection: { enabled: false }, serializer: 'msgpack' },
    });
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return 'v';
    };
    // Protection off: concurrent callers each run the loader.
    await Promise.all([caches.get().getOrSet('k', load), caches.get().getOrSet('k', load)]);
    expect(loads).toBe(2);
    await caches.close();
  });

  it.each([
    ['enableProtection', true, 'service.protection.enabled'],
    ['protectionLockTtl', 30, 'service.protection.lockTtl'],
    ['protectionMaxWait', 10, 'service.protection.maxWait'],
    ['defaultSerializer', 'json', 'service.serializer'],
  ])('an old key %s fails naming it and the new key', (old, value, renamed) => {
    const create = () =>
      createCaches({ backends: [{ name: 'a', type: 'memory' }], service: { [old]: value } as never });
    expect(create).toThrow(CacheUsageError);
    expect(create).toThrow(`service.${old}: renamed: use ${renamed}`);
  });
});

describe('loadCachesConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tagcache-config-'));

  it('reads the same shape from YAML and JSON', () => {
    const yamlPath = join(dir, 'caches.yaml');
    writeFileSync(
      yamlPath,
      [
        'backends:',
        '  - name: hot',
        '    type: memory',
        '    default: true',
        "    defaultTtl: '5m'",
        'service:',
        '  protection:',
        '    enabled: true',
      ].join('\n'),
    );
    const jsonPath = join(dir, 'caches.json');
    writeFileSync(jsonPath, JSON.stringify(loadCachesConfig(yamlPath)));
    expect(loadCachesConfig(jsonPath)).toEqual(loadCachesConfig(yamlPath));
    expect(createCaches(loadCachesConfig(yamlPath)).get().name).toBe('hot');
  });

  it('names the file when it cannot be read or parsed', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    expect(() => loadCachesConfig(bad)).toThrow(new RegExp(`${bad}: cannot parse`));
    expect(() => loadCachesConfig(join(dir, 'missing.yaml'))).toThrow(/cannot read/);
  });
});
