/**
 * `@tagcache/middleware`: shared types of the Express (`/express`) and Koa (`/koa`)
 * response caches.
 * @packageDocumentation
 */
export { defaultKey } from './http/cache-key.js';
export type { Outcome } from './http/cache-status.js';
export { escapeKeyPart } from './http/key-template.js';
export { type CacheResponsesOptions, DEFAULT_STATUSES, type TagHeaderFormat } from './http/options.js';
export type { RequestInfo } from './http/request-info.js';
export type { BypassReason, NotStoredReason } from './http/storability.js';
export type { HeaderList, StoredResponse } from './http/stored-response.js';
