import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Measurement } from './measure.js';

/** A finished table: one scenario, one operation, several subjects. */
export interface Table {
  readonly scenario: string;
  readonly title: string;
  readonly rows: readonly Measurement[];
  /** Subject whose ratio the goal is about (default `tagcache`-prefixed rows). */
  readonly notes?: readonly string[];
}

const RESULTS = new URL('../RESULTS.md', import.meta.url);

/** Formats a table with ops/s and the ratio of each row to the reference row. */
export function formatTable(table: Table): string {
  const reference = table.rows.find((r) => r.reference) ?? table.rows[0]!;
  const lines = [
    `### ${table.title}`,
    '',
    `| subject | ops/s | × ${reference.name} |`,
    '| --- | ---: | ---: |',
    ...table.rows.map(
      (r) =>
        `| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ${(r.opsPerSec / reference.opsPerSec).toFixed(3)} |`,
    ),
  ];
  if (table.notes?.length) lines.push('', ...table.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

/** Prints the table and appends it to bench/RESULTS.md under a header with date and versions. */
export function report(table: Table): void {
  reportText(formatTable(table));
}

/** Prints already formatted Markdown and appends it to bench/RESULTS.md. */
export function reportText(text: string): void {
  process.stdout.write(`\n${text}`);
  appendFileSync(RESULTS, `\n${text}`);
}

/** Starts a run section in RESULTS.md: date, Node version, versions of the packages compared. */
export function startRun(packages: readonly string[]): void {
  const versions = packages.map((name) => {
    try {
      // Read from the repository's node_modules: some packages do not export package.json.
      const path = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { version: string };
      return `${name} ${pkg.version}`;
    } catch {
      return `${name} (not installed)`;
    }
  });
  const header = `\n## Run of ${new Date().toISOString()}\n\nNode ${process.version}, ${process.platform}/${process.arch}; ${versions.join(', ')}.\nRatios are the figures to compare; absolute ops/s drift with the machine.\n`;
  if (!existsSync(RESULTS))
    writeFileSync(RESULTS, '# Benchmark results\n\nWritten by `npm run bench`; newest runs last.\n');
  appendFileSync(RESULTS, header);
  process.stdout.write(header);
}
