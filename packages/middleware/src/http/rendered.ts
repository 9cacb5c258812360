import { notModifiedHeaders } from './conditional.js';
import type { CacheResponsesSettings } from './settings.js';
import type { HeaderList, StoredResponse } from './stored-response.js';
import { tagHeaderFields } from './tag-fields.js';

/**
 * A stored response ready to write: status, every header it replays (the stored ones, then the
 * tag header) and its body bytes, built once per entry per process. Only `Age`, `X-Cache` and
 * `Cache-Status` are added per hit.
 */
export interface RenderedResponse {
  readonly status: number;
  /** Stored headers, then the tag header. */
  readonly headers: HeaderList;
  /** The same as `name, value, name, value…` (the form `writeHead` takes without copying). */
  readonly flat: readonly string[];
  /** Whether `headers` has `content-type` (Koa sets one for a body otherwise). */
  readonly hasType: boolean;
  /** Body bytes; `undefined` for a response without a body (204, 304). */
  readonly body: Buffer | undefined;
  /**
   * The body as text when it is valid UTF-8: written as a string, Node sends it with the head
   * in one write (a `Buffer` body takes a corked `writev` of two chunks).
   */
  readonly text: string | undefined;
  /** The 304 answer to a conditional request that matches, built when first needed. */
  notModified(): RenderedResponse;
}

/** What is kept per entry: the entry's identity (and the middleware's) and its rendering. */
interface Slot {
  readonly settings: CacheResponsesSettings;
  readonly storedAt: number;
  readonly etag: string;
  readonly rendered: RenderedResponse;
  readonly bytes: number;
}

/** Renders kept per process: at most this many... */
const MAX_ENTRIES = 2000;
/** ...and at most this many body bytes (a render duplicates the body of an in-process entry). */
const MAX_BYTES = 32 * 1024 * 1024;

/**
 * Renderings of the entries served in this process, by cache key. An entry read again (from
 * any backend, as a new object or the same one) by the same middleware is the same entry when
 * its `storedAt` and `etag` match; a replaced entry is rendered anew. One per process, bounded
 * (first in, first out), however many routes mount a middleware.
 */
export class RenderCache {
  readonly #slots = new Map<string, Slot>();
  #bytes = 0;

  /** The rendering of `stored`, the entry at `key`. */
  render(settings: CacheResponsesSettings, key: string, stored: StoredResponse): RenderedResponse {
    const slot = this.#slots.get(key);
    if (
      slot !== undefined &&
      slot.storedAt === stored.storedAt &&
      slot.etag === stored.etag &&
      slot.settings === settings
    )
      return slot.rendered;
    const rendered = renderStored(settings, stored);
    const bytes = rendered.body?.byteLength ?? 0;
    if (slot !== undefined) this.#forget(key, slot);
    if (bytes <= MAX_BYTES / 4) {
      this.#slots.set(key, { settings, storedAt: stored.storedAt, etag: stored.etag, rendered, bytes });
      this.#bytes += bytes;
      this.#evict();
    }
    return rendered;
  }

  /** Renderings kept. */
  get size(): number {
    return this.#slots.size;
  }

  /** Body bytes kept. */
  get bytes(): number {
    return this.#bytes;
  }

  #forget(key: string, slot: Slot): void {
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
  }

  #evict(): void {
    for (const [key, slot] of this.#slots) {
      if (this.#slots.size <= MAX_ENTRIES && this.#bytes <= MAX_BYTES) return;
      this.#forget(key, slot);
    }
  }
}

/** The process's render cache. */
export const renders: RenderCache = new RenderCache();

/** Builds the rendering of a stored response (status, headers with the tag header, bytes). */
export function renderStored(settings: CacheResponsesSettings, stored: StoredResponse): RenderedResponse {
  const tagHeaders = tagHeaderFields(settings, stored.tags);
  const headers = tagHeaders.length === 0 ? stored.headers : [...stored.headers, ...tagHeaders];
  const noBody = stored.status === 204;
  const bytes = noBody ? undefined : toBuffer(stored.body);
  const text = noBody ? undefined : stored.text;
  return new Rendered(stored.status, headers, bytes, text, () =>
    renderHead(304, [...notModifiedHeaders(stored.headers), ...tagHeaders]),
  );
}

function renderHead(status: number, headers: HeaderList): RenderedResponse {
  return new Rendered(status, headers, undefined, undefined, undefined);
}

class Rendered implements RenderedResponse {
  readonly flat: readonly string[];
  readonly hasType: boolean;
  #notModified: RenderedResponse | undefined;

  constructor(
    readonly status: number,
    readonly headers: HeaderList,
    readonly body: Buffer | undefined,
    readonly text: string | undefined,
    private readonly build304: (() => RenderedResponse) | undefined,
  ) {
    const flat: string[] = [];
    let hasType = false;
    for (const [name, value] of headers) {
      flat.push(name, value);
      if (name === 'content-type') hasType = true;
    }
    this.flat = flat;
    this.hasType = hasType;
  }

  notModified(): RenderedResponse {
    this.#notModified ??= this.build304 === undefined ? this : this.build304();
    return this.#notModified;
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
