import { stableHash } from '@tagcache/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryKey } from '../src/query-key.js';

describe('queryKey', () => {
  it('is the hash of { args, client, path, read }, as keys always were (property)', () => {
    const json = fc.jsonValue();
    fc.assert(
      fc.property(
        json,
        json,
        fc.option(fc.array(fc.constantFrom('select', 'include', 'posts', 'author'), { maxLength: 4 }), {
          nil: undefined,
        }),
        fc.option(fc.tuple(fc.option(fc.array(fc.string())), fc.option(fc.integer())), { nil: undefined }),
        (args, client, path, read) => {
          const keyed: Record<string, unknown> = { args: args ?? null, client: client ?? null };
          if (path !== undefined && path.length > 0) keyed.path = path;
          if (read !== undefined) keyed.read = read;
          const parts = { prefix: 'p:', schemaVersion: 'v1', model: 'Post', operation: 'findMany' };
          expect(queryKey({ ...parts, args, client, path, read })).toBe(
            `p:v1:Post:findMany:${stableHash(keyed)}`,
          );
        },
      ),
    );
  });
});
