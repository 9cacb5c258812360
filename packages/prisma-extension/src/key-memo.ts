import { hashString } from '@tagcache/core';

/** A key from its head and its canonical text: `head` + the SHA-256 digest of `text` (`hashString`). */
export type KeyOfText = (head: string, text: string) => string;

/** {@link KeyOfText} without a memo: hashes `text` every time. */
export const hashedKey: KeyOfText = (head, text) => head + hashString(text);

/** Bounds of a {@link KeyMemo}. */
export interface KeyMemoLimits {
  /** Most keys held. */
  readonly entries: number;
  /** Most characters the held texts (or values) and their keys take together. */
  readonly chars: number;
  /** Longer texts are hashed on every read, never held. */
  readonly textChars: number;
}

/** 4,096 keys of texts of at most 1,024 characters, 1 Mi characters in all (≤ 2 MiB of strings). */
export const KEY_MEMO_LIMITS: KeyMemoLimits = Object.freeze({
  entries: 4_096,
  chars: 1_048_576,
  textChars: 1_024,
});

/** What a memoized key is found by, within its scope: a canonical text, or a `where` value. */
export type MemoItem = string | number;

/** One generation: keys by scope (a key head, or a model operation's `where` field) and item. */
type Generation = Map<unknown, Map<MemoItem, string>>;

/**
 * The keys of recent reads, so that a read repeating one (a hit) neither hashes its canonical
 * text again nor builds its key string again. Keys are still `head` + the SHA-256 digest of the
 * text, never the text: texts and values live only here, in this process. Bounded by
 * {@link KeyMemoLimits}: two generations of half the bounds each; when the current one is full
 * it becomes the previous one (the older one is dropped), and a key found in the previous one
 * moves to the current one, so that keys read often stay.
 */
export class KeyMemo {
  #current: Generation = new Map();
  #previous: Generation = new Map();
  #currentEntries = 0;
  #previousEntries = 0;
  #currentChars = 0;
  #previousChars = 0;
  readonly #generationEntries: number;
  readonly #generationChars: number;
  readonly #textChars: number;

  constructor(limits: KeyMemoLimits = KEY_MEMO_LIMITS) {
    this.#generationEntries = Math.max(1, Math.floor(limits.entries / 2));
    this.#generationChars = Math.floor(limits.chars / 2);
    this.#textChars = limits.textChars;
  }

  /** {@link hashedKey}`(head, text)`, from the memo when it holds `text` under `head`. */
  readonly key: KeyOfText = (head, text) => {
    if (text.length > this.#textChars) return hashedKey(head, text);
    const known = this.get(head, text);
    if (known !== undefined) return known;
    const key = hashedKey(head, text);
    this.set(head, text, key);
    return key;
  };

  /** Whether a string item this long is held (longer ones are hashed on every read). */
  holds(item: string): boolean {
    return item.length <= this.#textChars;
  }

  /** The key held for `item` in `scope` (moved to the current generation), or `undefined`. */
  get(scope: unknown, item: MemoItem): string | undefined {
    const known = this.#current.get(scope)?.get(item);
    if (known !== undefined) return known;
    const old = this.#previous.get(scope);
    const key = old?.get(item);
    if (key === undefined) return undefined;
    old!.delete(item);
    this.#previousEntries--;
    this.#previousChars -= charsOf(item, key);
    this.set(scope, item, key);
    return key;
  }

  /**
   * Holds `key` for `item` in `scope` (neither held yet). Scopes are few (one per model
   * operation, or per `where` field of one): they are not counted.
   */
  set(scope: unknown, item: MemoItem, key: string): void {
    const chars = charsOf(item, key);
    if (chars > this.#generationChars) return;
    if (
      this.#currentEntries >= this.#generationEntries ||
      this.#currentChars + chars > this.#generationChars
    ) {
      this.#previous = this.#current;
      this.#previousEntries = this.#currentEntries;
      this.#previousChars = this.#currentChars;
      this.#current = new Map();
      this.#currentEntries = 0;
      this.#currentChars = 0;
    }
    let ofScope = this.#current.get(scope);
    if (ofScope === undefined) {
      ofScope = new Map();
      this.#current.set(scope, ofScope);
    }
    ofScope.set(item, key);
    this.#currentEntries++;
    this.#currentChars += chars;
  }

  /** Keys held (both generations; an item is in at most one). */
  get size(): number {
    return this.#currentEntries + this.#previousEntries;
  }

  /** Characters of the items held and their keys (a number counts as 8). */
  get chars(): number {
    return this.#currentChars + this.#previousChars;
  }
}

function charsOf(item: MemoItem, key: string): number {
  return (typeof item === 'string' ? item.length : 8) + key.length;
}
