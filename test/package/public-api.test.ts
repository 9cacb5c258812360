import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENTRIES, exportedNames } from '../../scripts/public-api.js';

/**
 * Each package README lists its public API, per entry point, in a "Public API" section; this
 * keeps that list equal to what the entry files export (a new export must be documented, a
 * removed one must leave the list).
 */
const root = new URL('../../', import.meta.url);

function listed(readme: string): Map<string, string[]> {
  const text = readFileSync(new URL(readme, root), 'utf8');
  const section = /\n## Public API\n([\s\S]*?)(?=\n## |$)/.exec(text)?.[1] ?? '';
  const lists = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^- `([^`]+)`:.*? Exports: (.*)$/.exec(line);
    if (m)
      lists.set(
        m[1]!,
        [...m[2]!.matchAll(/`([^`]+)`/g)].map((n) => n[1]!),
      );
  }
  return lists;
}

describe.each(Object.entries(ENTRIES))('%s README', (pkg, { readme, entries }) => {
  const documented = listed(readme);
  it.each(Object.entries(entries))('lists every export of %s and nothing else', (sub, file) => {
    const spec = sub === '.' ? pkg : `${pkg}/${sub.slice(2)}`;
    expect(documented.get(spec)?.slice().sort()).toEqual(exportedNames(file, Object.values(entries)).sort());
  });
});
