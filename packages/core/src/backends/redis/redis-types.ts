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

/**
 * TLS settings of a connection (Node's `tls.connect` options, the usual ones named here). PEM
 * text or buffers; read the files yourself (`readFileSync('ca.pem')`).
 */
export interface RedisTlsOptions {
  /** CA certificate(s) the server's certificate must chain to (default: Node's bundled CAs). */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Client certificate, for servers that ask for one (`tls-auth-clients yes`). */
  readonly cert?: string | Buffer;
  /** The client certificate's private key. */
  readonly key?: string | Buffer;
  /** The name the server's certificate must carry, when it differs from the host connected to. */
  readonly servername?: string;
  /** Default `true`. `false` accepts any certificate: for tests only, never in production. */
  readonly rejectUnauthorized?: boolean;
}

/** How to reach Redis when the backend creates (and therefore owns) its client. */
export interface RedisConnectionOptions {
  /**
   * `redis://` or `rediss://` (TLS) URL of a single node; `redis://user:password@host:port/db`
   * carries ACL credentials (never shown in messages).
   */
  readonly url?: string;
  /** Cluster seed nodes (`host:port`); when given, a `Cluster` client is created. */
  readonly clusterNodes?: readonly string[];
  /**
   * Redis Sentinel nodes (`host:port`); when given, the client asks them for the master of
   * `name` and follows failovers (ioredis' Sentinel support). Needs `name`.
   */
  readonly sentinels?: readonly string[];
  /** The master group the sentinels watch (`sentinel monitor <name> ...`). */
  readonly name?: string;
  /** ACL user of the data nodes (default `default`). */
  readonly username?: string;
  /** Password of the data nodes (ACL user's, or `requirepass`). */
  readonly password?: string;
  /** ACL user on the sentinels, when they require one. */
  readonly sentinelUsername?: string;
  /** Password of the sentinels, when they require one. */
  readonly sentinelPassword?: string;
  /** TLS to the data nodes: `true` for Node's defaults, or settings (a `rediss://` URL implies `true`). */
  readonly tls?: boolean | RedisTlsOptions;
  /** Extra ioredis `RedisOptions` for a single-node client (merged over the backend's defaults). */
  readonly redisOptions?: RedisClientOptions;
  /** Extra ioredis `ClusterOptions` for a cluster client (merged over the backend's defaults). */
  readonly clusterOptions?: RedisClientOptions;
}
