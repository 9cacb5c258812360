import { describe, expect, it } from 'vitest';
import { parseHostPort } from '../src/backends/redis/redis-client.js';
import {
  CacheService,
  type CacheServiceOptions,
  CacheUsageError,
  JsonSerializer,
  MemoryBackend,
} from '../src/index.js';

/** Programmer errors are `CacheUsageError`s whose message starts with the field at fault. */
describe('programmer errors name their field', () => {
  it('a JsonType named like a built-in type', () => {
    const create = () =>
      new JsonSerializer({
        types: [{ name: 'Date', is: (v): v is unknown => v === null, encode: String, decode: String }],
      });
    expect(create).toThrow(CacheUsageError);
    expect(create).toThrow(/^JsonSerializer\.types: /);
  });

  it('a cluster node that is not host:port', () => {
    expect(() => parseHostPort('localhost')).toThrow(CacheUsageError);
    expect(() => parseHostPort('localhost')).toThrow(/^clusterNodes: /);
  });

  it('an option CacheService does not take (a typo), at any level, naming the closest', () => {
    const backend = new MemoryBackend();
    const create = (options: object) => () =>
      new CacheService({ backend, ...options } as CacheServiceOptions);
    expect(create({ defaultTTL: 60 })).toThrow(CacheUsageError);
    expect(create({ defaultTTL: 60 })).toThrow(
      /^options\.defaultTTL: unknown key \(did you mean 'defaultTtl'\?\); CacheService takes backend, /,
    );
    expect(create({ protection: { maxwait: '1s' } })).toThrow(
      /^protection\.maxwait: unknown key \(did you mean 'maxWait'\?\)/,
    );
    expect(create({ resilience: { timeOut: 50 } })).toThrow(
      /^resilience\.timeOut: unknown key \(did you mean 'timeout'\?\)/,
    );
    expect(create({ shardValues: true })).toThrow(
      /^options\.shardValues: unknown key \(did you mean 'sharedValues'\?\)/,
    );
    expect(create({ compress: false, sharedValues: true, resilience: false })).not.toThrow();
  });
});
