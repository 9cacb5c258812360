import type { CacheSource } from '@tagcache/core';

/** Whether a socket's peer is this machine: the dashboard and the metrics answer only to it. */
export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** The admin write's invalidations, as the dashboard shows their origin (HTTP write). */
export const ADMIN_WRITE: CacheSource = { kind: 'http', method: 'PUT', route: '/admin/products/:id' };
