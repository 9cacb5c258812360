import { cacheExtension } from '@tagcache/prisma';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../prisma/generated/sqlite/client.js';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, prismaCache } from '../support/fixtures.js';

/**
 * Issue 21 item 7: tags follow tables. Two deployed versions of a schema share one database and
 * one cache; the later one renamed model `Article` to `Post`, still `@@map("articles")`.
 */
export function mappedModelTests(db: () => TestDatabase): void {
  describe('tags are tables, not model names (issue 21 item 7)', () => {
    function versions() {
      const cache = prismaCache();
      const before = cachedClient(db(), { cache });
      const after = db().nextVersionClient().$extends(cacheExtension({ cache }));
      return { before, after };
    }

    it('a write through either version invalidates the other version’s cached reads', async () => {
      const { before, after } = versions();
      const created = await before.db.article.create({ data: { headline: 'Draft', slug: 'a' } });
      await before.db.article.create({ data: { headline: 'Other', slug: 'b' } });

      // The old version caches its reads (the second read sends no SQL)...
      const oldRead = () => before.db.article.findUnique({ where: { slug: 'a' } });
      const oldList = () => before.db.article.findMany({ orderBy: { id: 'asc' } });
      await oldRead();
      await oldList();
      const sent = before.queries();
      expect((await oldRead())?.headline).toBe('Draft');
      expect(before.queries()).toBe(sent);

      // ...the new version writes the same table under another model name...
      await after.post.update({ where: { id: created.id }, data: { title: 'Renamed by the new version' } });
      expect((await oldRead())?.headline).toBe('Renamed by the new version');
      expect((await oldList()).map((a) => a.headline)).toEqual(['Renamed by the new version', 'Other']);

      // ...and the other way round.
      const newRead = () => after.post.findUnique({ where: { slug: 'a' } });
      const newCount = () => after.post.count();
      expect((await newRead())?.title).toBe('Renamed by the new version');
      expect(await newCount()).toBe(2);
      await before.db.article.update({ where: { slug: 'a' }, data: { headline: 'Back' } });
      await before.db.article.create({ data: { headline: 'Third', slug: 'c' } });
      expect((await newRead())?.title).toBe('Back');
      expect(await newCount()).toBe(3);
      await before.db.article.deleteMany({ where: { slug: 'c' } });
      expect(await newCount()).toBe(2);
    });

    it('raw writes name the table, and invalidate both versions', async () => {
      const { before, after } = versions();
      await before.db.article.create({ data: { headline: 'Draft', slug: 'a' } });
      const newRead = () => after.post.findUnique({ where: { slug: 'a' } });
      const oldRead = () => before.db.article.findUnique({ where: { slug: 'a' } });
      await newRead();
      await oldRead();
      await before.db.$executeRawTouching(
        Prisma.sql`UPDATE "articles" SET "title" = 'Raw' WHERE "slug" = 'a'`,
        {
          models: ['articles'],
        },
      );
      expect((await newRead())?.title).toBe('Raw');
      expect((await oldRead())?.headline).toBe('Raw');
      await after.$executeRawTouching(Prisma.sql`UPDATE "articles" SET "views" = 5 WHERE "slug" = 'a'`, {
        models: ['post'],
      });
      expect((await oldRead())?.views).toBe(5);
      expect((await newRead())?.views).toBe(5);
    });
  });
}
