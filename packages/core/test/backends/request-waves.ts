/**
 * Counts round trips without timing: wraps a client (ioredis Redis/Cluster, memjs Client) so
 * that every request made through the given methods records how many answers had already
 * come back when it was made. Requests made before any answer of the operation arrived travel
 * together: one round trip. A request made after an answer may depend on it: one more.
 */
export class RequestWaves {
  /** One line per request: method, first argument, answers received before it was made. */
  readonly requests: { method: string; key: string; answersBefore: number }[] = [];
  #answers = 0;

  /** A proxy of `client` that records calls of `methods` (all others pass through). */
  wrap<T extends object>(client: T, methods: readonly string[]): T {
    return new Proxy(client, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (typeof property !== 'string' || !methods.includes(property)) return value.bind(target);
        return (...args: unknown[]) => {
          this.requests.push({ method: property, key: String(args[0]), answersBefore: this.#answers });
          const reply = value.apply(target, args) as Promise<unknown>;
          const answered = (): void => {
            this.#answers++;
          };
          reply.then(answered, answered);
          return reply;
        };
      },
    });
  }

  /** Round trips since the last reset: distinct answer counts seen when requests were made. */
  roundTrips(): number {
    return new Set(this.requests.map((r) => r.answersBefore)).size;
  }

  reset(): void {
    this.requests.length = 0;
  }
}
