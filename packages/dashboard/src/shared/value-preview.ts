import { inspect } from 'node:util';
import type { InspectedEntry } from '@tagcache/core';
import { VALUE_PREVIEW_CHARS } from './options.js';

/** What the dashboard sends for a key's value (`POST <path>/value`, with `showValues: true`). */
export interface ValuePreview {
  readonly cache: string;
  /** The key as your code passes it. */
  readonly key: string;
  readonly state: 'fresh' | 'stale';
  readonly tags: readonly string[];
  readonly createdAt: number;
  readonly freshUntil: number;
  readonly staleUntil: number;
  /** `object`, `string`, `number`, `Map`, `Date`, … */
  readonly type: string;
  /** The value as text (Node's `util.inspect`), at most `VALUE_PREVIEW_CHARS` characters. */
  readonly preview: string;
  /** The preview was cut. */
  readonly truncated: boolean;
}

/**
 * A bounded text rendering of an inspected entry. `util.inspect` with limits (depth, array and
 * string lengths) and without running the value's own `inspect` hooks, then cut to
 * `VALUE_PREVIEW_CHARS`. The page renders it with `textContent`, never as HTML.
 */
export function previewValue(cache: string, entry: InspectedEntry): ValuePreview {
  const full = inspect(entry.value, {
    depth: 6,
    maxArrayLength: 100,
    maxStringLength: VALUE_PREVIEW_CHARS,
    breakLength: 100,
    customInspect: false,
    getters: false,
    showProxy: false,
  });
  const truncated = full.length > VALUE_PREVIEW_CHARS;
  return {
    cache,
    key: entry.key,
    state: entry.state,
    tags: entry.tags.slice(0, 100),
    createdAt: entry.createdAt,
    freshUntil: entry.freshUntil,
    staleUntil: entry.staleUntil,
    type: typeName(entry.value),
    preview: truncated ? full.slice(0, VALUE_PREVIEW_CHARS) : full,
    truncated,
  };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor
    ?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}
