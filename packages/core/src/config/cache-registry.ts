import type { CacheService } from '../cache-service.js';
import { CacheUsageError } from '../errors.js';
import type { CacheHealth } from '../types/options.js';

/** Named cache services built from one config; one of them is the default. */
export class CacheRegistry {
  readonly #services: ReadonlyMap<string, CacheService>;
  readonly #defaultName: string;

  constructor(services: ReadonlyMap<string, CacheService>, defaultName: string) {
    this.#services = services;
    this.#defaultName = defaultName;
  }

  /** The default service, or the one named `name` (throws for an unknown name). */
  get(name?: string): CacheService {
    const service = this.#services.get(name ?? this.#defaultName);
    if (service === undefined) {
      throw new CacheUsageError(
        `no cache named '${name}' (have: ${[...this.#services.keys()].join(', ')})`,
        'name',
      );
    }
    return service;
  }

  /** Whether a service named `name` exists. */
  has(name: string): boolean {
    return this.#services.has(name);
  }

  /** Names of every service, the default first. */
  get names(): string[] {
    return [this.#defaultName, ...[...this.#services.keys()].filter((n) => n !== this.#defaultName)];
  }

  /** Health of every backend. */
  health(): Promise<CacheHealth[]> {
    return Promise.all(this.names.map((name) => this.get(name).health()));
  }

  /** Closes every service. */
  async close(): Promise<void> {
    await Promise.all([...this.#services.values()].map((s) => s.close()));
  }
}
