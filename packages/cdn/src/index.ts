/**
 * `@tagcache/cdn`: purgers that make `invalidateTags` purge the CDN or reverse proxy in front
 * of the app. Pass them to `new CacheService({ purgers: [...] })`.
 * @packageDocumentation
 */

export { type CloudflarePurgerOptions, cloudflarePurger } from './cloudflare.js';
export { type FastlyPurgerOptions, fastlyPurger } from './fastly.js';
export { parseRetryAfter } from './http.js';
export type { PurgerBaseOptions } from './options.js';
export { type VarnishPurgerOptions, varnishPurger } from './varnish.js';
