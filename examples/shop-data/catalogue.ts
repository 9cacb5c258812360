import type { CacheService } from '@tagcache/core';
import { cacheExtension, modelTag } from '@tagcache/prisma';
import type { ShopClient } from './database.js';
import { ADMIN_WRITE } from './observability.js';
import { InputError, type ProductUpdate } from './product-input.js';

export const PAGE_SIZE = 10;

/** The Prisma client with the cache extension: reads are cached, writes invalidate them. */
export function extendClient(prisma: ShopClient, cache: CacheService) {
  return prisma.$extends(cacheExtension({ cache, ttl: '5m' }));
}
export type ShopPrisma = ReturnType<typeof extendClient>;

/** Tags of the HTTP pages; the Express and Koa apps put them on the pages they cache. */
export const pageTags = {
  product: (id: number): string => `product:${id}`,
  category: (slug: string): string => `category:${slug}`,
  productLists: 'products',
};

/** Every query of the shop, shared by the Express and the Koa app. */
export class Catalogue {
  constructor(
    private readonly prisma: ShopPrisma,
    private readonly cache: CacheService,
  ) {}

  /** A page of every product, by id. */
  async listProducts(page: number) {
    const [items, total] = await Promise.all([
      this.prisma.product.findMany({
        orderBy: { id: 'asc' },
        skip: (page - 1) * PAGE_SIZE,
        take: PAGE_SIZE,
        include: { category: { select: { slug: true, name: true } } },
      }),
      this.prisma.product.count(),
    ]);
    return { page, pages: Math.ceil(total / PAGE_SIZE), total, items };
  }

  product(id: number) {
    return this.prisma.product.findUnique({ where: { id }, include: { category: true } });
  }

  category(slug: string) {
    return this.prisma.category.findUnique({
      where: { slug },
      include: { products: { orderBy: { id: 'asc' } } },
    });
  }

  /**
   * Figures computed from several queries, cached as one value under a key of our choosing with
   * `CacheService.getOrSet`. Tagged with the extension's model tags, so any write to a product
   * or a category through the extended client makes the next call recompute them.
   */
  stats() {
    return this.cache.getOrSet(
      'stats:catalogue',
      async () => {
        const [products, categories, bestsellers] = await Promise.all([
          this.prisma.product.aggregate({
            _count: true,
            _sum: { stock: true },
            _avg: { price: true },
            cache: false,
          }),
          this.prisma.category.count({ cache: false }),
          this.prisma.product.findMany({
            orderBy: [{ sold: 'desc' }, { id: 'asc' }],
            take: 5,
            select: { id: true, name: true, sold: true },
            cache: false,
          }),
        ]);
        return {
          products: products._count,
          categories,
          unitsInStock: products._sum.stock ?? 0,
          averagePrice: products._avg.price?.toFixed(2) ?? null,
          bestsellers,
          computedAt: new Date(),
        };
      },
      { ttl: '10m', tags: [modelTag('prisma:', 'Product'), modelTag('prisma:', 'Category')] },
    );
  }

  /**
   * Applies an admin change, then invalidates exactly the pages that show it: the product's page
   * and every list tagged with it (lists tag each product they show), plus, when it moved, both
   * categories' pages. The extension has already dropped the Prisma query results it depended on.
   * Returns undefined when there is no such product.
   */
  async updateProduct(id: number, update: ProductUpdate) {
    const before = await this.prisma.product.findUnique({
      where: { id },
      select: { category: { select: { slug: true } } },
      cache: false,
    });
    if (!before) return undefined;
    let categoryId: number | undefined;
    if (update.category !== undefined) {
      const category = await this.prisma.category.findUnique({
        where: { slug: update.category },
        cache: false,
      });
      if (!category) throw new InputError(`category: no category ${update.category}`);
      categoryId = category.id;
    }
    const product = await this.prisma.product.update({
      where: { id },
      data: {
        name: update.name,
        description: update.description,
        price: update.price,
        stock: update.stock,
        categoryId,
      },
      include: { category: true },
    });
    const invalidated = [pageTags.product(id)];
    if (product.category.slug !== before.category.slug) {
      invalidated.push(pageTags.category(before.category.slug), pageTags.category(product.category.slug));
    }
    await this.cache.invalidateTags(invalidated, { source: ADMIN_WRITE });
    return { product, invalidated };
  }
}
