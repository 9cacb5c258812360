import { CacheService, CacheUsageError, type Duration, MemoryBackend } from '@tagcache/core';
import { cacheExtension } from '@tagcache/prisma';
import { describe, expect, it } from 'vitest';

const cache = new CacheService({ backend: new MemoryBackend() });

/** What a JavaScript caller or a config file can pass, though the types refuse it. */
const malformed = '5 minutes' as unknown as Duration;

describe('cacheExtension options', () => {
  it.each([
    ['cacheExtension.ttl', { ttl: malformed }],
    ['cacheExtension.swr', { swr: malformed }],
    ['cacheExtension.models.Post.ttl', { models: { Post: { ttl: malformed } } }],
  ])('a malformed duration fails at creation with a CacheUsageError naming %s', (field, options) => {
    const create = () => cacheExtension({ cache, ...options });
    expect(create).toThrow(CacheUsageError);
    expect(create).toThrow(new RegExp(`^${field.replaceAll('.', '\\.')}: `));
  });

  it('accepts well-formed durations', () => {
    expect(() => cacheExtension({ cache, ttl: '5m', swr: 0, models: { Post: { ttl: 30 } } })).not.toThrow();
  });
});
