import type { Measurement } from './measure.js';

function rate(rows: readonly Measurement[], name: string): number | undefined {
  return rows.find((row) => row.name === name)?.opsPerSec;
}

/** "Goal: <subject> ≥ <min>× <reference>: measured <ratio>× (met | missed by …)". */
export function ratioGoal(
  rows: readonly Measurement[],
  subject: string,
  reference: string,
  min: number,
): string {
  const a = rate(rows, subject);
  const b = rate(rows, reference);
  if (a === undefined || b === undefined)
    return `Goal ${subject} ≥ ${min}× ${reference}: not measured in this run.`;
  const ratio = a / b;
  const verdict = ratio >= min ? 'met' : `missed by ${(min - ratio).toFixed(3)}`;
  return `Goal ${subject} ≥ ${min}× ${reference}: ${ratio.toFixed(3)}× (${verdict}).`;
}

/** "Goal: <subject> ahead of <peer>: <ratio>× (met | missed)". */
export function aheadGoal(rows: readonly Measurement[], subject: string, peer: string): string {
  const a = rate(rows, subject);
  const b = rate(rows, peer);
  if (a === undefined || b === undefined)
    return `Goal ${subject} ahead of ${peer}: not measured in this run.`;
  const ratio = a / b;
  return `Goal ${subject} ahead of ${peer}: ${ratio.toFixed(3)}× ${peer} (${ratio > 1 ? 'met' : 'missed'}).`;
}
