/**
 * The Koa and Express hit paths counted in instructions per response (valgrind callgrind): a
 * figure that does not move with the machine's load, to tell apart what req/s on a busy
 * 2-core machine cannot (the cost of the headers a hit adds, the cost of the lookup). Opt-in
 * (`npm run bench -- http-instructions`, ~12 min): it needs valgrind (Debian `valgrind`).
 */
import { callgrindAvailable, instructionsPerResponse } from '../lib/callgrind.js';
import type { HttpVariant } from '../lib/http-load.js';
import { reportText } from '../lib/report.js';

/** One table: a framework's variants, the first being the reference. */
interface Group {
  readonly title: string;
  readonly variants: readonly HttpVariant[];
}

const groups: readonly Group[] = [
  {
    title: 'Koa 3 hit path: instructions per response',
    variants: [
      { name: 'koa bare route (limit)', server: 'koa-bare' },
      { name: "bare route + the hit's headers", server: 'koa-bare-hit-headers' },
      { name: 'tagcache memory', server: 'koa-tagcache-memory', hit: ['X-Cache', 'HIT'] },
      { name: 'tagcache memory, optional headers off', server: 'koa-tagcache-memory-quiet', hit: 'calls' },
      { name: 'koa-cash (memory)', server: 'koa-cash', hit: ['X-Cached-Response', 'HIT'] },
    ],
  },
  {
    title: 'Express 5 hit path: instructions per response',
    variants: [
      { name: 'express bare route (limit)', server: 'express-bare' },
      { name: "bare route + the hit's headers", server: 'express-bare-hit-headers' },
      { name: 'tagcache memory', server: 'express-tagcache-memory', hit: ['X-Cache', 'HIT'] },
      {
        name: 'tagcache memory, optional headers off',
        server: 'express-tagcache-memory-quiet',
        hit: 'calls',
      },
      { name: 'apicache memory', server: 'express-apicache-memory', hit: 'calls' },
    ],
  },
];

/** `BENCH_CALLGRIND_REQUESTS` overrides both counts (a quick check of the scenario itself). */
const REQUESTS = Number(process.env.BENCH_CALLGRIND_REQUESTS) || 10_000;
const COUNTS = { warmup: REQUESTS, measured: REQUESTS };

async function run(): Promise<void> {
  if (!callgrindAvailable()) {
    console.log(
      'http-instructions: valgrind is not installed (Debian package `valgrind`); nothing measured.',
    );
    return;
  }
  for (const group of groups) {
    const counts: number[] = [];
    for (const variant of group.variants) {
      counts.push(await instructionsPerResponse(variant, COUNTS));
      process.stdout.write(`  ${variant.name}: ${Math.round(counts.at(-1)!).toLocaleString('en-US')}\n`);
    }
    const reference = counts[0]!;
    const lines = [
      `### ${group.title}`,
      '',
      `| subject | instructions per response | × ${group.variants[0]!.name} (fewer is higher) |`,
      '| --- | ---: | ---: |',
      ...group.variants.map(
        (v, i) =>
          `| ${v.name} | ${Math.round(counts[i]!).toLocaleString('en-US')} | ${(reference / counts[i]!).toFixed(3)} |`,
      ),
      '',
      `- valgrind callgrind, user-space instructions of the server process (Node with \`--single-threaded\`), counted over ${COUNTS.measured.toLocaleString('en-US')} requests (10 connections) after ${COUNTS.warmup.toLocaleString('en-US')} uncounted ones; the same servers as the req/s tables. Not the kernel's socket work, not cycles: two counts of one server differ by under 1%. Under valgrind a request takes ~50× as long, so work that runs by the clock (timers, lru-cache's TTL clock, the optimizing compiler finishing late) weighs more than at full speed: compare with the req/s tables, not instead of them.`,
    ];
    reportText(`${lines.join('\n')}\n`);
  }
}

export default {
  name: 'http-instructions',
  description: 'Koa and Express hit paths in instructions per response (valgrind; opt-in)',
  optIn: true,
  run,
};
