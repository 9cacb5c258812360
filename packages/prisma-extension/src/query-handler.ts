import {
  type CacheService,
  type CacheSource,
  CacheUsageError,
  type GetOrSetReport,
  type HitNowOptions,
  LoaderError,
} from '@tagcache/core';
import { accelerateInfo, type ReadObservation, wantsInfo, withoutInfoFlag } from './accelerate-info.js';
import type { DecimalRevival } from './decimal-revival.js';
import { WRITE_OPERATIONS } from './invalidation.js';
import { hashedKey, KeyMemo } from './key-memo.js';
import type { ModelNames } from './model-names.js';
import { clientKeyText, keyAfterHead, keyHead, soleWhereField } from './query-key.js';
import { rawQueryWrites } from './raw-sql.js';
import type { RelationGraph } from './relation-graph.js';
import type { RowTags } from './row-tags.js';
import { type ExtensionSettings, type QueryCacheRequest, takeCacheArgs } from './settings.js';
import { currentScope, transactionKind } from './transactions.js';
import {
  CACHED_OPERATIONS,
  type CachedOperation,
  type QueryCacheOptions,
  type RawCacheOptions,
  type RawWriteOptions,
} from './types.js';

/** What Prisma hands a query hook (plus its internal `__internalParams`). */
export interface QueryParams {
  readonly model?: string;
  readonly operation: string;
  readonly args: unknown;
  query(args: unknown): PromiseLike<unknown>;
  /** Prisma's internals; `dataPath` is set for fluent calls. */
  readonly __internalParams?: { readonly dataPath?: readonly string[] };
}

const CACHED = new Set<string>(CACHED_OPERATIONS);
/** A read's cache options when it gave none. */
const NO_OPTIONS: QueryCacheOptions = Object.freeze({});

/** What every call of one model operation shares, built on its first call. */
interface OperationSite {
  /** Its metrics source, `{ kind: 'prisma', model, operation }` (metrics key on its identity). */
  readonly source: CacheSource;
  /** `cache.hitNow`'s options. */
  readonly hitOptions: HitNowOptions;
  /** Its keys' {@link keyHead}. */
  readonly head: string;
  /**
   * The {@link KeyMemo} scope of each field of its `{ where: { <field>: <value> } }` reads, for
   * at most {@link WHERE_FIELDS} fields.
   */
  readonly whereScopes: Map<string, object>;
}

/** Fields per model operation whose `{ where: { <field>: <value> } }` reads have keys memoized by value. */
const WHERE_FIELDS = 16;

/** The extension's behaviour, for one client: cached reads, invalidating writes, raw queries. */
export class QueryHandler {
  /** The client settings' key text, when it is the same for every read (no `keyContext`). */
  readonly #clientText: string | undefined;
  /** One site per model and operation (bounded by the schema). */
  readonly #sites = new Map<string, Map<string, OperationSite>>();
  /** The keys of recent reads' canonical texts: a hit does not hash its text again. */
  readonly keys = new KeyMemo();

  constructor(
    readonly cache: CacheService,
    readonly options: ExtensionSettings,
    readonly graph: RelationGraph,
    readonly names: ModelNames,
    readonly schemaVersion: string,
    readonly clientContext: unknown,
    readonly keyContext: (() => string) | undefined,
    /** The tags of reads and writes (row-precise where the arguments allow). */
    readonly rows: RowTags,
    /** Gives cached results back the `Decimal`s a JSON serializer turned into strings. */
    readonly decimals: DecimalRevival,
  ) {
    this.#clientText = keyContext === undefined ? clientKeyText(clientContext) : undefined;
  }

  /**
   * `query.$allModels.$allOperations`. A read asked for Accelerate's info (by
   * `.withAccelerateInfo()`) resolves to `{ data, info }`. A cached read's promise is the
   * core's own (no promise of the extension's in between).
   */
  modelOperation(params: QueryParams): Promise<unknown> {
    try {
      return wantsInfo(params.args) ? this.#withInfo(params) : this.#operation(params, undefined);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #withInfo(params: QueryParams): Promise<unknown> {
    const seen: ReadObservation = {};
    const data = await this.#operation({ ...params, args: withoutInfoFlag(params.args) }, seen);
    return { data, info: accelerateInfo(seen) };
  }

  /** A model operation; may throw (a bad cache option) before it returns a promise. */
  #operation(params: QueryParams, seen: ReadObservation | undefined): Promise<unknown> {
    const model = params.model ?? '';
    const { operation } = params;
    const { args, request } = takeCacheArgs(params.args);
    if (WRITE_OPERATIONS.has(operation)) return this.#write(params, model, operation, args);
    if (
      !CACHED.has(operation) ||
      transactionKind(params) !== undefined ||
      !this.#shouldCache(model, operation as CachedOperation, request)
    )
      return runQuery(params, args);
    const options = request || NO_OPTIONS;
    const path = params.__internalParams?.dataPath;
    const own = options.tags !== undefined || options.ttl !== undefined || options.swr !== undefined;
    const site = this.#site(model, operation);
    const key =
      (!own && options.key === undefined && (path === undefined || path.length === 0)
        ? this.#rowReadKey(site, args)
        : undefined) ??
      keyAfterHead(
        site.head,
        {
          args,
          custom: options.key,
          path,
          read: own
            ? [options.tags ? [...options.tags].sort() : null, options.ttl ?? null, options.swr ?? null]
            : undefined,
        },
        this.#clientKeyText(),
        this.keys.key,
      );
    const source = site.source;
    const revives = this.decimals.revives(model, path);
    // A fresh hit held in this process is answered here, without a promise of the core's or
    // the read's tags (only a miss needs those).
    const hit = this.cache.hitNow(key, site.hitOptions);
    if (hit !== undefined) {
      if (seen !== undefined) {
        seen.key = key;
        observed(hit, seen);
      }
      return Promise.resolve(revives ? this.decimals.revive(model, path, hit.value) : hit.value);
    }
    const tags = this.rows.read(model, operation, args);
    const modelSettings = this.options.model(model);
    const ttl = options.ttl ?? (modelSettings ? modelSettings.ttl : undefined) ?? this.options.ttl;
    const swr = options.swr ?? this.options.swr;
    const value = this.cached(
      key,
      options.tags === undefined ? tags : [...tags, ...options.tags],
      ttl,
      swr,
      queryRunner(params, args),
      source,
      seen,
    );
    if (!revives) return value;
    return value.then((v) => this.decimals.revive(model, path, v));
  }

  /** A write: runs it, then invalidates what it touched (a failed write throws and invalidates nothing). */
  async #write(params: QueryParams, model: string, operation: string, args: unknown): Promise<unknown> {
    const result = await runQuery(params, args);
    await this.touched(
      this.rows.write(model, operation, args, result),
      params,
      this.source(model, operation),
    );
    return result;
  }

  /** `$executeRaw*`: invalidates the declared models and tags, or every model. */
  async rawWrite(params: QueryParams, declared: RawWriteOptions | undefined): Promise<unknown> {
    const result = await params.query(params.args);
    const models = declared ? this.models(declared.models, 'models') : this.graph.models;
    const source = this.source('$raw', params.operation);
    await this.touched([...this.rows.wide(models), ...(declared?.tags ?? [])], params, source);
    return result;
  }

  /** `$queryRaw*` outside `$queryRawCached`: not cached; one that may write invalidates every model. */
  async rawQuery(params: QueryParams): Promise<unknown> {
    const result = await params.query(params.args);
    if (rawQueryWrites(params.args))
      await this.touched(this.rows.wide(this.graph.models), params, this.source('$raw', params.operation));
    return result;
  }

  /** Model, delegate or table names → model names; a {@link CacheUsageError} for unknown ones. */
  models(names: readonly string[] | undefined, field: string): string[] {
    if (names === undefined) return [];
    if (!Array.isArray(names)) throw new CacheUsageError('expected an array of model names', field);
    return names.map((name) => this.names.resolve(name, field));
  }

  /** `$queryRaw*` under `$queryRawCached`: cached with the declared dependencies. */
  rawRead(params: QueryParams, declared: RawCacheOptions): Promise<unknown> {
    if (transactionKind(params) !== undefined) return runQuery(params, params.args);
    const tags = [
      ...this.models(declared.models, 'models').map((m) => this.tag(m)),
      ...(declared.tags ?? []),
    ];
    const site = this.#site('$raw', params.operation);
    const key = keyAfterHead(
      site.head,
      { args: params.args, ...(declared.key !== undefined ? { custom: declared.key } : {}) },
      this.#clientKeyText(),
      this.keys.key,
    );
    const { ttl, swr } = { ttl: declared.ttl ?? this.options.ttl, swr: declared.swr ?? this.options.swr };
    return this.cached(key, tags, ttl, swr, queryRunner(params, params.args), site.source);
  }

  /** The tag of a model's reads over many rows (raw reads declare these): its table's. */
  tag(model: string): string {
    return this.rows.list(model);
  }

  /** The metrics source of a model's operation (`{ kind: 'prisma', model, operation }`), built once. */
  source(model: string, operation: string): CacheSource {
    return this.#site(model, operation).source;
  }

  /**
   * The key of a read whose arguments are `{ where: { <field>: <value> } }` (a number or a string
   * value), from the key memo by value without building the arguments' text; `undefined` for
   * other reads, and with `keyContext` (whose text may change from read to read).
   */
  #rowReadKey(site: OperationSite, args: unknown): string | undefined {
    const clientText = this.#clientText;
    if (clientText === undefined) return undefined;
    const field = soleWhereField(args);
    if (field === undefined) return undefined;
    const value = (args as { where: Record<string, unknown> }).where[field];
    if (typeof value !== 'number' && (typeof value !== 'string' || !this.keys.holds(value))) return undefined;
    let scope = site.whereScopes.get(field);
    if (scope === undefined) {
      if (site.whereScopes.size >= WHERE_FIELDS) return undefined;
      scope = {};
      site.whereScopes.set(field, scope);
    }
    const known = this.keys.get(scope, value);
    if (known !== undefined) return known;
    // The value as read once: a getter giving another value next time cannot mix two keys up.
    const key = keyAfterHead(site.head, { args: { where: { [field]: value } } }, clientText, hashedKey);
    this.keys.set(scope, value, key);
    return key;
  }

  #site(model: string, operation: string): OperationSite {
    let ofModel = this.#sites.get(model);
    if (ofModel === undefined) {
      ofModel = new Map();
      this.#sites.set(model, ofModel);
    }
    let site = ofModel.get(operation);
    if (site === undefined) {
      const source: CacheSource = { kind: 'prisma', model, operation };
      site = {
        source,
        hitOptions: { source },
        head: keyHead(this.options.prefix, this.schemaVersion, model, operation),
        whereScopes: new Map(),
      };
      ofModel.set(operation, site);
    }
    return site;
  }

  /** Invalidates now and, inside a transaction, again after it settles. Never throws. */
  async touched(tags: readonly string[], params: QueryParams, source: CacheSource): Promise<void> {
    if (tags.length === 0) return;
    if (transactionKind(params) !== undefined) {
      const scope = currentScope();
      for (const tag of tags) scope?.tags.add(tag);
    }
    await this.invalidate(tags, source);
  }

  /** `cache.invalidateTags`, never throwing (the write already happened). */
  async invalidate(tags: readonly string[], source?: CacheSource): Promise<void> {
    try {
      await this.cache.invalidateTags(tags, source === undefined ? undefined : { source });
    } catch {
      // The service reports backend faults itself; a write must not fail because of the cache.
    }
  }

  /**
   * Read-through on the core's `getOrSetReport` (every caller, sharing a load or not, gets its
   * own copy). The query's own errors (not found, validation) reach the caller and are never
   * cached, as do Prisma errors of a load this caller shared; anything else going wrong runs
   * the query.
   */
  cached(
    key: string,
    tags: readonly string[],
    ttl: ExtensionSettings['ttl'],
    swr: ExtensionSettings['swr'],
    run: () => Promise<unknown>,
    source: CacheSource,
    seen?: ReadObservation,
  ): Promise<unknown> {
    if (seen !== undefined) seen.key = key;
    return this.cache
      .getOrSetReport(key, run, { tags, source, ttl, grace: swr })
      .then(seen === undefined ? reportValue : (got) => observed(got, seen), (error: unknown) => {
        if (error instanceof LoaderError && (!error.shared || isPrismaError(error.cause))) throw error.cause;
        if (error instanceof CacheUsageError) throw error;
        if (seen !== undefined) seen.outcome = 'degraded';
        return run();
      });
  }

  #shouldCache(model: string, operation: CachedOperation, request: QueryCacheRequest): boolean {
    if (request === false || !this.options.operationEnabled(model, operation)) return false;
    return this.options.mode === 'all' || request !== undefined;
  }

  /** The key text of the client settings, with `keyContext`'s value of this read. */
  #clientKeyText(): string {
    return this.#clientText ?? clientKeyText([this.clientContext, this.keyContext?.()]);
  }
}

/** `got.value`. */
const reportValue = (got: GetOrSetReport<unknown>): unknown => got.value;

/** `got.value`, noting how it was obtained in `seen`. */
function observed(got: GetOrSetReport<unknown>, seen: ReadObservation): unknown {
  seen.outcome = got.outcome;
  if (got.storedAt !== undefined) seen.storedAt = got.storedAt;
  return got.value;
}

/** Runs the query Prisma handed the hook, with `args`, as a promise. */
function runQuery(params: QueryParams, args: unknown): Promise<unknown> {
  return Promise.resolve(params.query(args));
}

/** The loader of a cached read: the query, run only on a miss. */
function queryRunner(params: QueryParams, args: unknown): () => Promise<unknown> {
  return () => Promise.resolve(params.query(args));
}

/** Prisma's errors carry the client version; a query that failed must fail again, not be retried. */
function isPrismaError(error: unknown): boolean {
  return error instanceof Error && typeof (error as { clientVersion?: unknown }).clientVersion === 'string';
}
