import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * README code blocks as a new user would copy them. Every ```ts block is runnable unless its
 * info string says `fragment` (```ts fragment: it needs code the reader supplies, such as a
 * generated Prisma client). A runnable block may be preceded by a hidden prelude, an HTML comment
 * `<!-- snippet-prelude ... -->`, that declares what the text assumes the reader has (`app`,
 * `db`, a `loadUser` function); the comment does not show on the rendered page.
 */
export interface Snippet {
  /** `core-README-3`: the package folder (or `root`), and the block's position. */
  readonly id: string;
  readonly readme: string;
  readonly fragment: boolean;
  /** `import` lines (of the prelude and the block), hoisted above everything else. */
  readonly imports: string[];
  /** The prelude's other lines, then the block's. */
  readonly body: string[];
}

const BLOCK = /(?:<!--\s*snippet-prelude\n([\s\S]*?)-->\n)?```ts([^\n]*)\n([\s\S]*?)```/g;

/** The snippets of one README. */
export function snippetsOf(readme: string, name: string): Snippet[] {
  if (readme === '') return [];
  const text = readFileSync(readme, 'utf8');
  const snippets: Snippet[] = [];
  let index = 0;
  for (const match of text.matchAll(BLOCK)) {
    index++;
    const lines = [...(match[1] ?? '').split('\n'), ...match[3]!.split('\n')];
    snippets.push({
      id: `${name}-${index}`,
      readme,
      fragment: /\bfragment\b/.test(match[2]!),
      imports: lines.filter((line) => /^import\s/.test(line)),
      body: lines.filter((line) => !/^import\s/.test(line)),
    });
  }
  return snippets;
}

/** Every README of the repository root and of the publishable packages. */
export function readmes(root: URL): { path: string; name: string }[] {
  const found = [{ path: new URL('README.md', root).pathname, name: 'root' }];
  for (const dir of readdirSync(new URL('packages/', root))) {
    const manifest = new URL(`packages/${dir}/package.json`, root);
    try {
      if ((JSON.parse(readFileSync(manifest, 'utf8')) as { private?: boolean }).private) continue;
      const readme = new URL(`packages/${dir}/README.md`, root);
      // A package without a README is still packed and installed; it just has no snippets.
      found.push({ path: existsSync(readme) ? readme.pathname : '', name: dir });
    } catch {
      // not a package
    }
  }
  return found;
}

/** The block as an ES module (top-level await allowed). */
export function asEsm(snippet: Snippet): string {
  return [...snippet.imports, ...snippet.body, 'export {};', ''].join('\n');
}

/** The block as a CommonJS module: imports compile to `require`, the rest runs in `main()`. */
export function asCjs(snippet: Snippet): string {
  return [...snippet.imports, 'export async function main(): Promise<void> {', ...snippet.body, '}', ''].join(
    '\n',
  );
}
