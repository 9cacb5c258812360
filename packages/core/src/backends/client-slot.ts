import { CacheError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

/** Maps whatever a client library threw to a {@link CacheError} (with the key when there is one). */
export type ToCacheError = (error: unknown, key: string | undefined) => CacheError;

/**
 * The client a network backend talks through: either injected by the user (never closed
 * here) or created from options on first use (connected once, shared by every operation,
 * closed by {@link release}). Nothing connects before the first operation: a backend that is
 * constructed and never used opens no socket and starts no timer, so it cannot keep the
 * process alive. {@link run} turns each operation's outcome into a `Result`.
 */
export class ClientSlot<C> {
  /** Whether the backend created the client (and so must close it). */
  readonly owned: boolean;
  readonly #backend: string;
  readonly #toError: ToCacheError;
  readonly #connect: (() => Promise<C>) | undefined;
  #client: C | undefined;
  #connecting: Promise<C> | undefined;
  #closed = false;

  constructor(
    source: { readonly client: C } | { readonly connect: () => Promise<C> },
    backend: string,
    toError: ToCacheError,
  ) {
    this.#backend = backend;
    this.#toError = toError;
    if ('client' in source) {
      this.#client = source.client;
      this.owned = false;
      return;
    }
    this.owned = true;
    this.#connect = source.connect;
  }

  /** The client once connected, else `undefined`. */
  get current(): C | undefined {
    return this.#client;
  }

  /** The client, connecting on the first call. */
  ready(): Promise<C> {
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    if (this.#connecting !== undefined) return this.#connecting;
    if (this.#closed || this.#connect === undefined) {
      return Promise.reject(new CacheError('CONNECTION', 'backend closed', { backend: this.#backend }));
    }
    this.#connecting = this.#connect().then((client) => {
      this.#client = client;
      return client;
    });
    return this.#connecting;
  }

  /**
   * Runs `operation` and wraps its outcome as a Result. Plain promise chaining rather than
   * `async`/`await`: on the hot path (a cache hit) every promise layer counts.
   */
  run<T>(key: string | undefined, operation: (client: C) => Promise<T>): Promise<Result<T>> {
    const client = this.#client;
    if (client === undefined) {
      return this.ready().then(
        () => this.run(key, operation),
        (error: unknown) => err(this.#toError(error, key)),
      );
    }
    let pending: Promise<T>;
    try {
      pending = operation(client);
    } catch (error) {
      return Promise.resolve(err(this.#toError(error, key)));
    }
    return pending.then(ok, (error: unknown) => err(this.#toError(error, key)));
  }

  /**
   * Marks the slot closed (later operations fail with `CONNECTION`) and hands back the client
   * the backend created, for it to close; `undefined` for an injected client.
   */
  async release(): Promise<C | undefined> {
    this.#closed = true;
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    this.#connecting = undefined;
    return this.owned ? client : undefined;
  }
}

/** A Buffer view of bytes (no copy), as the client libraries want. */
export function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
