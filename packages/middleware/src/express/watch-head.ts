import type { ServerResponse } from 'node:http';
import type { HeaderMap, ResponseHead } from '../http/stored-response.js';

/**
 * Calls `onHead` with the response head when it is written (`writeHead`, called by Node for an
 * implicit head too), headers given to `writeHead` included; its failures are the caller's to
 * log (the promise is not awaited: the head goes out right after).
 */
export function watchHead(res: ServerResponse, onHead: (head: ResponseHead) => Promise<void>): void {
  const below = res.writeHead;
  res.writeHead = function writeHead(this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    res.writeHead = below;
    const given = typeof rest[0] === 'string' ? rest[1] : rest[0];
    const headers: Record<string, unknown> = { ...this.getHeaders() };
    if (Array.isArray(given)) {
      for (let i = 0; i + 1 < given.length; i += 2) headers[String(given[i]).toLowerCase()] = given[i + 1];
    } else if (given !== null && typeof given === 'object') {
      for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = value;
    }
    void onHead({ status: statusCode, headers: headers as HeaderMap });
    return (below as (...args: unknown[]) => ServerResponse).call(this, statusCode, ...rest);
  } as ServerResponse['writeHead'];
}
