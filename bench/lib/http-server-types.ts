import type { Server } from 'node:http';

/** What a bench server process is given (from its environment). */
export interface ServerEnv {
  /** `BENCH_REDIS_URL`: the Redis the parent started for the run, for Redis variants. */
  readonly redisUrl?: string;
}

/** One variant's server, built in the child process. */
export interface BenchApp {
  readonly server: Server;
  /** Calls of the route handler: a cached variant answering hits keeps it still. */
  readonly counter: { calls: number };
  close(): Promise<void>;
}

/** Messages between the load generator and a server process. */
export type ToServer = { readonly type: 'stats' } | { readonly type: 'stop' };
export type FromServer =
  | { readonly type: 'ready'; readonly port: number }
  /** Route handler calls so far, and the process's CPU time (user + system) in µs. */
  | { readonly type: 'stats'; readonly calls: number; readonly cpuMicros: number }
  | { readonly type: 'failed'; readonly message: string };
