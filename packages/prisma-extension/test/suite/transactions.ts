import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.js';
import { cachedClient, seed } from '../support/fixtures.js';

/** Transactions bypass the shared cache and invalidate again after they settle. */
export function transactionTests(db: () => TestDatabase): void {
  describe('transactions', () => {
    it('reads inside an interactive transaction see its own writes, not the cache', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      const outside = await c.db.user.count();
      const inside = await c.db.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'tx@example.com' } });
        return tx.user.count({ cache: { ttl: 60 } });
      });
      expect(inside).toBe(outside + 1);
      expect(await c.db.user.count()).toBe(outside + 1);
    });

    it('a rollback leaves no uncommitted data in the shared cache', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      const reader = cachedClient(db(), { cache: c.cache });
      const emails = async () =>
        (await reader.db.user.findMany({ orderBy: { id: 'asc' } })).map((u) => u.email);
      const before = await emails();
      await expect(
        c.db.$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'ghost@example.com' } });
          expect(await tx.user.findMany()).toHaveLength(before.length + 1);
          // A reader outside the transaction, while it is open (SQLite: another connection).
          await emails();
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await emails()).toEqual(before);
    });

    it('a reader between a write and the commit cannot leave pre-commit data behind', async () => {
      const c = cachedClient(db());
      const { alice } = await seed(c.prisma);
      const reader = cachedClient(db(), { cache: c.cache });
      const name = async () => (await reader.db.user.findUnique({ where: { id: alice.id } }))?.name;
      await c.db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: alice.id }, data: { name: 'Alicia' } });
        await name(); // caches the committed (old) row after the write's own invalidation
      });
      expect(await name()).toBe('Alicia');
    });

    it('batch transactions bypass the cache and invalidate after commit', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      const before = await c.db.post.count();
      const [, inBatch] = await c.db.$transaction([
        c.db.post.create({ data: { title: 'Batch', authorId: (await c.db.user.findFirstOrThrow()).id } }),
        c.db.post.count(),
      ]);
      expect(inBatch).toBe(before + 1);
      expect(await c.db.post.count()).toBe(before + 1);
    });

    it('$executeRaw inside a transaction invalidates after commit too', async () => {
      const c = cachedClient(db());
      await seed(c.prisma);
      await c.db.setting.create({ data: { key: 'k', value: 'v' } });
      await c.db.setting.findMany();
      await c.db.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE "Setting" SET "value" = 'tx'`;
      });
      expect((await c.db.setting.findMany())[0]?.value).toBe('tx');
    });
  });
}
