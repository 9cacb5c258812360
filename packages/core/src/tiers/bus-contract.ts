/**
 * The contract between the in-process L1 tier and the invalidation bus that keeps the L1 tiers
 * of a fleet coherent. The L1 publishes what it changed in the shared backend; the bus delivers
 * what other instances changed. Keys, patterns and tag-version keys are the full backend keys
 * (namespace prefix included), so services with different prefixes on one server never touch
 * each other's entries.
 */

/** A change made by one instance that every other instance's L1 must apply. */
export type BusMessage =
  /** Tags invalidated: each tag-version key with the new version now in the shared backend. */
  | { readonly kind: 'tags'; readonly versions: readonly (readonly [tagKey: string, version: string])[] }
  /** Keys deleted from the shared backend. */
  | { readonly kind: 'delete'; readonly keys: readonly string[] }
  /** Keys matching a glob pattern deleted from the shared backend. */
  | { readonly kind: 'pattern'; readonly pattern: string }
  /** Keys written in the shared backend: other instances drop their older copy. */
  | { readonly kind: 'write'; readonly keys: readonly string[] }
  /** Everything dropped (e.g. a `clear`). */
  | { readonly kind: 'clear' };

/** State changes of a bus connection. */
export type BusState = 'connected' | 'disconnected';

/**
 * A publish/subscribe channel between the instances of a fleet. Implementations never throw
 * from `publish` (a failed publish is reported through `onState('disconnected')` and the L1
 * is bypassed until the bus is back), and never deliver an instance's own messages to itself.
 */
export interface InvalidationBus {
  /** Whether messages are being received now; while `false` the L1 must be bypassed. */
  readonly connected: boolean;
  /** Sends a message to every other instance; fire-and-forget. */
  publish(message: BusMessage): void;
  /** Registers the handler for messages from other instances. */
  onMessage(handler: (message: BusMessage) => void): void;
  /** Registers the handler for connection changes (on `connected` after a gap: clear the L1). */
  onState(handler: (state: BusState) => void): void;
  /** Stops receiving and releases the connections the bus opened. */
  close(): Promise<void>;
}
