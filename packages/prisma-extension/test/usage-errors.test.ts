import { CacheService, CacheUsageError, MemoryBackend } from '@tagcache/core';
import { cacheExtension } from '@tagcache/prisma';
import { describe, expect, it } from 'vitest';

const cache = new CacheService({ backend: new MemoryBackend() });

describe('cacheExtension programmer errors', () => {
  it.each([
    ['cacheExtension.cache', { cache: {} }],
    ['cacheExtension.mode', { cache, mode: 'sometimes' }],
  ])('are CacheUsageErrors naming %s, like the core', (field, options) => {
    const create = () => cacheExtension(options as never);
    expect(create).toThrow(CacheUsageError);
    expect(create).toThrow(new RegExp(`^${field.replaceAll('.', '\\.')}: `));
  });
});
