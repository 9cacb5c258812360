/**
 * A pino-compatible logger: each method takes a context object and a message. The service
 * is silent unless one is given.
 */
export interface CacheLogger {
  debug(context: Record<string, unknown>, message: string): void;
  info(context: Record<string, unknown>, message: string): void;
  warn(context: Record<string, unknown>, message: string): void;
  error(context: Record<string, unknown>, message: string): void;
}

const noop = (): void => {};

/** The default logger: says nothing. */
export const silentLogger: CacheLogger = { debug: noop, info: noop, warn: noop, error: noop };
