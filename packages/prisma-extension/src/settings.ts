import { CacheUsageError, type Duration, toMilliseconds } from '@tagcache/core';
import type {
  CachedOperation,
  CacheExtensionOptions,
  CacheStrategy,
  ModelCacheOptions,
  QueryCacheOptions,
} from './types.js';

/** A read's own cache request, once `cache` and `cacheStrategy` are merged. */
export type QueryCacheRequest = false | QueryCacheOptions | undefined;

/**
 * Removes `cache` and `cacheStrategy` from `args` (Prisma rejects unknown arguments) and
 * returns what they asked for. `cache` wins over `cacheStrategy` when both are given.
 */
export function takeCacheArgs(args: unknown): { args: unknown; request: QueryCacheRequest } {
  if (typeof args !== 'object' || args === null || !('cache' in args || 'cacheStrategy' in args)) {
    return { args, request: undefined };
  }
  const { cache, cacheStrategy, ...rest } = args as {
    cache?: QueryCacheOptions | boolean;
    cacheStrategy?: CacheStrategy;
  };
  let request: QueryCacheRequest;
  if (cache === false) request = false;
  else if (cache === true) request = {};
  else if (typeof cache === 'object' && cache !== null) request = cache;
  else if (typeof cacheStrategy === 'object' && cacheStrategy !== null) request = cacheStrategy;
  return { args: rest, request };
}

/** The extension's settings: {@link CacheExtensionOptions} validated, defaults applied. */
export interface ExtensionSettings {
  readonly mode: 'all' | 'opt-in';
  readonly prefix: string;
  readonly ttl: Duration | undefined;
  readonly swr: Duration | undefined;
  model(name: string): false | ModelCacheOptions;
  operationEnabled(model: string, operation: CachedOperation): boolean;
}

/** Validates and resolves {@link CacheExtensionOptions}; throws a `CacheUsageError` naming a bad field. */
export function resolveSettings(options: CacheExtensionOptions): ExtensionSettings {
  if (typeof options !== 'object' || options === null || typeof options.cache?.getOrSet !== 'function') {
    throw new CacheUsageError('expected a CacheService', 'cacheExtension.cache');
  }
  const mode = options.mode ?? 'all';
  if (mode !== 'all' && mode !== 'opt-in')
    throw new CacheUsageError("expected 'all' or 'opt-in'", 'cacheExtension.mode');
  checkDuration(options.ttl, 'cacheExtension.ttl');
  checkDuration(options.swr, 'cacheExtension.swr', true);
  const models = options.models ?? {};
  if (typeof models !== 'object' || models === null) {
    throw new CacheUsageError('expected an object of model settings', 'cacheExtension.models');
  }
  for (const [name, setting] of Object.entries(models)) {
    if (typeof setting === 'object' && setting !== null)
      checkDuration(setting.ttl, `cacheExtension.models.${name}.ttl`);
  }
  const lookup = (name: string): boolean | ModelCacheOptions | undefined =>
    models[name] ?? models[name.charAt(0).toLowerCase() + name.slice(1)];
  // Resolved once per model name (every read asks, twice).
  const resolved = new Map<string, false | ModelCacheOptions>();
  const model = (name: string): false | ModelCacheOptions => {
    let found = resolved.get(name);
    if (found === undefined) {
      const setting = lookup(name);
      found = setting === false ? false : setting === true || setting === undefined ? {} : setting;
      resolved.set(name, found);
    }
    return found;
  };
  return {
    mode,
    prefix: options.prefix ?? 'prisma:',
    ttl: options.ttl,
    swr: options.swr,
    model,
    operationEnabled(name, operation) {
      const setting = model(name);
      if (setting === false) return false;
      return setting.operations?.[operation] ?? options.operations?.[operation] ?? true;
    },
  };
}

/**
 * Refuses a malformed duration when the extension is created (`ttl: '5 minutes'` from a
 * JavaScript caller or a config file), rather than letting every later query throw.
 */
function checkDuration(value: Duration | undefined, field: string, allowZero = false): void {
  if (value !== undefined) toMilliseconds(value, field, allowZero);
}
