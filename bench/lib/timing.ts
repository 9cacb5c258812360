/** Wall time of one async run, in milliseconds. */
export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await run();
  return { ms: performance.now() - start, result };
}

/** Prints a Markdown table of named figures (for scenarios that count rather than rate). */
export function figuresTable(
  title: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  return [
    `### ${title}`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
}
