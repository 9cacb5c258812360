import type { CacheError } from './errors.js';

/** A successful backend operation. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** A failed backend operation: the error is a value, never thrown. */
export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/** What every backend operation returns. Backends never throw; they return `Err`. */
export type Result<T, E = CacheError> = Ok<T> | Err<E>;

/** Wraps a value as a successful {@link Result}. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** The shared `Ok<void>`: write paths return it without allocating. */
export const OK_VOID: Ok<void> = Object.freeze({ ok: true, value: undefined }) as Ok<void>;

/** Wraps an error as a failed {@link Result}. */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}
