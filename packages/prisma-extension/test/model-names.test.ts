import { CacheUsageError } from '@tagcache/core';
import { describe, expect, it } from 'vitest';
import { ModelNames } from '../src/model-names.js';

// A schema where model `Post` is mapped to table `articles` (`@@map("articles")`), as after a
// rename from `Article` during a rolling deploy: both versions' tags must be the table's.
const renamed = { models: { Post: { dbName: 'articles', fields: [] }, User: { dbName: null, fields: [] } } };
const before = { models: { Article: { dbName: 'articles', fields: [] } } };

describe('model names', () => {
  it('tags follow the table: a model renamed with @@map keeps the table its old name had', () => {
    expect(new ModelNames(renamed).table('Post')).toBe(new ModelNames(before).table('Article'));
    expect(new ModelNames(renamed).table('User')).toBe('User');
  });

  it('accepts model, delegate and table names; anything else is a CacheUsageError naming the field', () => {
    const names = new ModelNames(renamed);
    expect(['Post', 'post', 'articles'].map((n) => names.resolve(n, 'models'))).toEqual([
      'Post',
      'Post',
      'Post',
    ]);
    expect(names.resolve('user', 'models')).toBe('User');
    for (const bad of ['article', 'Posts', '', 42]) {
      expect(() => names.resolve(bad, 'models')).toThrow(CacheUsageError);
    }
  });
});
