/**
 * `@tagcache/dashboard/express`: the cache dashboard and a Prometheus endpoint for Express 5.
 * @packageDocumentation
 */
export * from './express/index.js';
export * from './index.js';
