import type { IncomingHttpHeaders } from 'node:http';
import { CONDITIONAL_HEADERS } from './conditional.js';

/**
 * Removes the conditional request headers while the handler runs on a miss, so that it
 * answers in full (Express's `res.send` would otherwise turn the miss into a bodyless 304).
 * Returns the function that puts them back.
 */
export function hideConditionals(headers: IncomingHttpHeaders): () => void {
  const saved: [string, string | string[]][] = [];
  for (const name of CONDITIONAL_HEADERS) {
    const value = headers[name];
    if (value !== undefined) {
      saved.push([name, value]);
      delete headers[name];
    }
  }
  if (saved.length === 0) return () => {};
  return () => {
    for (const [name, value] of saved) headers[name] = value;
  };
}
