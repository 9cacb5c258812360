import type { TypedEmitter } from '../observability/emitter.js';
import type { CacheEvents } from '../types/events.js';
import type { CacheLogger } from '../types/logger.js';
import type { InvalidationBus } from './bus-contract.js';

/**
 * Turns the bus's state changes into the service's `bus-disconnect` and `bus-reconnect` events
 * (and logger warnings): a disconnection, then the reconnection that ends it. The first
 * connection is neither.
 */
export function announceBusState(
  bus: InvalidationBus,
  events: TypedEmitter<CacheEvents>,
  logger: CacheLogger,
  name: string,
): void {
  let down = false;
  bus.onState((state) => {
    if (state === 'disconnected' && !down) {
      down = true;
      logger.warn(
        { cache: name },
        'tagcache: invalidation bus disconnected; the L1 is bypassed until it is back',
      );
      events.emit('bus-disconnect', { name });
    } else if (state === 'connected' && down) {
      down = false;
      logger.info({ cache: name }, 'tagcache: invalidation bus reconnected; the L1 was cleared');
      events.emit('bus-reconnect', { name });
    }
  });
}
