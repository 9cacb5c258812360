import type { CacheService } from '../cache-service.js';
import { CacheUsageError } from '../errors.js';
import type { WrapOptions } from '../types/options.js';
import { cachedCall } from './wrap.js';

/** Options of {@link Cached}. */
export interface CachedOptions<This, A extends unknown[]> extends WrapOptions<A> {
  /** The cache, or how to find it from the instance, e.g. `(self) => self.cache`. */
  readonly cache: CacheService | ((self: This) => CacheService);
}

type Method<This, A extends unknown[], R> = (this: This, ...args: A) => Promise<R>;

/**
 * Caches an async method's results by its arguments (through `getOrSet`, so concurrent equal
 * calls run once). The default key is `<Class>.<method>:<hash of the arguments>`. Works as a
 * standard (TC39) decorator and with TypeScript's `experimentalDecorators`.
 *
 * @example
 * ```ts
 * class Users {
 *   constructor(readonly cache: CacheService) {}
 *   @Cached({ cache: (self: Users) => self.cache, ttl: 60, tags: (id) => [`user:${id}`] })
 *   async find(id: number) { ... }
 * }
 * ```
 */
export function Cached<This, A extends unknown[], R>(options: CachedOptions<This, A>) {
  if (options === null || typeof options !== 'object' || options.cache === undefined) {
    throw new CacheUsageError(
      '@Cached needs a `cache` option (a CacheService or (self) => CacheService)',
      'cache',
    );
  }
  function decorate(method: Method<This, A, R>, methodName: string): Method<This, A, R> {
    const { cache } = options;
    return function cachedMethod(this: This, ...args: A): Promise<R> {
      const service = typeof cache === 'function' ? cache(this) : cache;
      const className = (this as { constructor?: { name?: string } })?.constructor?.name ?? 'anonymous';
      const name = options.name ?? `${className}.${methodName}`;
      return cachedCall(service, name, options, args, () => method.apply(this, args));
    };
  }

  function decorator(
    method: Method<This, A, R>,
    context: ClassMethodDecoratorContext<This, Method<This, A, R>>,
  ): Method<This, A, R>;
  function decorator(
    target: object,
    propertyKey: string | symbol,
    descriptor: PropertyDescriptor,
  ): PropertyDescriptor;
  function decorator(
    first: Method<This, A, R> | object,
    second: ClassMethodDecoratorContext<This, Method<This, A, R>> | string | symbol,
    descriptor?: PropertyDescriptor,
  ): Method<This, A, R> | PropertyDescriptor {
    if (typeof second === 'object' && second !== null && 'kind' in second) {
      if (second.kind !== 'method') throw new CacheUsageError('@Cached applies to methods only', 'Cached');
      return decorate(first as Method<This, A, R>, String(second.name));
    }
    if (descriptor === undefined || typeof descriptor.value !== 'function') {
      throw new CacheUsageError('@Cached applies to methods only', 'Cached');
    }
    return { ...descriptor, value: decorate(descriptor.value as Method<This, A, R>, String(second)) };
  }
  return decorator;
}
