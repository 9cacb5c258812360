import { describe, expect, it } from 'vitest';
import { parseHostPort } from '../src/backends/redis/redis-client.js';
import { CacheUsageError, JsonSerializer } from '../src/index.js';

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
});
