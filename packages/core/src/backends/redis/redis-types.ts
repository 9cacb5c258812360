/**
 * The public shapes of the Redis backend's client and options, written here rather than
 * imported from ioredis: ioredis is an optional peer dependency, and a memory-only application
 * compiling without `skipLibCheck` must not need its types. Inside the backend the client is
 * used through ioredis' own types (`IoredisClient`).
 */

/**
 * An ioredis `Redis` or `Cluster`, as far as the public types need it. Pass the real client
 * (`new Redis(...)` / `new Cluster(...)`); cast it back (`backend.client as Redis`) to call
 * ioredis methods on it.
 */
export interface RedisClient {
  /** ioredis' connection status (`'wait'`, `'connecting'`, `'ready'`, `'end'`...). */
  readonly status: string;
  /** `true` for a `Cluster`. */
  readonly isCluster: boolean;
  /** Sends QUIT and closes the connection once the replies are in. */
  quit(): Promise<unknown>;
  /** Closes the connection at once. */
  disconnect(): void;
}

/**
 * ioredis options (`RedisOptions` for a single node, `ClusterOptions` for a cluster), passed
 * through as given. Typed as `object` so the core's types do not require ioredis: type the
 * value as ioredis' own `RedisOptions`/`ClusterOptions` to have it checked.
 */
export type RedisClientOptions = object;

/** How to reach Redis when the backend creates (and therefore owns) its client. */
export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` URL of a single node. */
  readonly url?: string;
  /** Cluster seed nodes (`host:port`); when given, a `Cluster` client is created. */
  readonly clusterNodes?: readonly string[];
  /** Extra ioredis `RedisOptions` for a single-node client (merged over the backend's defaults). */
  readonly redisOptions?: RedisClientOptions;
  /** Extra ioredis `ClusterOptions` for a cluster client (merged over the backend's defaults). */
  readonly clusterOptions?: RedisClientOptions;
}
