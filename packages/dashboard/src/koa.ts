/**
 * `@tagcache/dashboard/koa`: the cache dashboard and a Prometheus endpoint for Koa 3.
 * @packageDocumentation
 */
export * from './index.js';
export * from './koa/index.js';
