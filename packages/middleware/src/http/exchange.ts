import type { RenderedResponse } from './rendered.js';
import type { RequestInfo } from './request-info.js';
import type { HeaderList, ResponseHead } from './stored-response.js';

/** What the engine tells an adapter when the response head is about to be sent. */
export type HeadDecision =
  /** Send it, with these headers added. */
  | { readonly suppress: false; readonly headers: HeaderList }
  /** Send nothing: the engine will answer with a stale copy instead (stale-if-error). */
  | { readonly suppress: true };

/** Hooks the engine gives an adapter's capture. */
export interface CaptureHooks {
  /** Stop buffering (but keep sending) past this many body bytes. */
  readonly maxBodySize: number;
  /** Called once, before the head is sent; `body` when the whole body is already known (Koa). */
  onHead(head: ResponseHead, body?: Uint8Array): HeadDecision;
}

/** How a captured response ended. */
export type Capture =
  /**
   * Sent in full; `body` is `undefined` when it exceeded `maxBodySize`. `head` is the snapshot
   * the body bytes match; `sent` is the head as it went out, with what layers mounted before
   * the cache added after the snapshot (a session's late `Set-Cookie`).
   */
  | {
      readonly kind: 'complete';
      readonly head: ResponseHead;
      readonly sent: ResponseHead;
      readonly body: Uint8Array | undefined;
    }
  /** The client went away, the body stream failed, or the framework was bypassed. */
  | { readonly kind: 'incomplete' }
  /** Nothing was sent, as the head decision asked. */
  | { readonly kind: 'suppressed' }
  /** Downstream threw before responding (Koa); nothing was sent. */
  | { readonly kind: 'threw'; readonly error: unknown };

/** A response built from a stored one. */
export interface Reply {
  /** Status, replayed headers (tag header included) and body bytes, pre-rendered per entry. */
  readonly rendered: RenderedResponse;
  /** `Age`, `X-Cache`, `Cache-Status`: this hit's own. */
  readonly cacheHeaders: HeaderList;
  /** Remove headers already set downstream before applying these (after a suppressed error). */
  readonly replace: boolean;
}

/**
 * One request, as an adapter presents it to the engine. Adapters only translate; every
 * decision is the engine's.
 */
export interface Exchange {
  readonly request: RequestInfo;
  /** The framework's request object, for key and tag functions. */
  readonly native: unknown;
  /** The route template that matched before the middleware ran (never the URL), or `UNROUTED`. */
  route(): string;
  /** Tags the handler added at run time so far. */
  runtimeTags(): readonly string[];
  /**
   * Runs the rest of the chain without caching, these headers added to its response. `onHead`
   * is called with the response head before it is sent (Koa awaits it; Express starts it as
   * the head is written, so the work begins before the client can see the response).
   */
  passThrough(headers: HeaderList, onHead?: (head: ResponseHead) => Promise<void>): Promise<void>;
  /**
   * Runs the rest of the chain and captures its response while it is sent. The request's
   * conditional headers are hidden from the handler, so the stored response is complete.
   */
  capture(hooks: CaptureHooks): Promise<Capture>;
  /** Sends a reply built from a stored response. */
  send(reply: Reply): void;
  /** Reports an error the cache kept from the client (a handler failure hidden by stale-if-error). */
  reportError(error: unknown): void;
}
