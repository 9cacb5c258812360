import type { RenderedResponse } from './rendered.js';
import { renderStored } from './rendered.js';
import type { CacheResponsesSettings } from './settings.js';
import { fromStoredEntry, type StoredResponse } from './stored-response.js';

/** What is derived once from an entry the core keeps decoded in this process. */
export interface Kept {
  readonly stored: StoredResponse | undefined;
  /** The last middleware that rendered it (its tag header settings), and that rendering. */
  settings?: CacheResponsesSettings;
  rendered?: RenderedResponse;
}

/**
 * Responses and renderings of entries the core keeps decoded in this process (the memory
 * backend, the L1 tier), keyed by the kept value itself (`hitNow` with `shared`: the same object
 * while the entry is the same). They live exactly as long as the entry: a replaced or evicted
 * entry's value is collected with what was derived from it, so this needs no bound of its own.
 */
const kept = new WeakMap<object, Kept>();

/**
 * What is derived from a kept entry value: its stored response (`stored` is `undefined` for a
 * foreign or old shape), read once.
 */
export function keptEntry(value: object): Kept {
  let found = kept.get(value);
  if (found === undefined) {
    found = { stored: fromStoredEntry(value) };
    kept.set(value, found);
  }
  return found;
}

/** The rendering of a kept entry's response (see {@link keptEntry}), built once per middleware. */
export function keptRendering(
  found: Kept,
  settings: CacheResponsesSettings,
  stored: StoredResponse,
): RenderedResponse {
  if (found.settings !== settings || found.rendered === undefined) {
    found.settings = settings;
    found.rendered = renderStored(settings, stored);
  }
  return found.rendered;
}
