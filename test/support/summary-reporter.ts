import type { Reporter } from 'vitest/reporters';

interface TaskLike {
  type: string;
  mode?: string;
  result?: { state?: string };
  tasks?: TaskLike[];
}

/**
 * Prints one closing line `N passed, N failed, N skipped` after Vitest's own report, so CI
 * (and a person) reads the outcome from the last line. A file that failed to load counts as
 * a failure.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: TaskLike[] = [], errors: unknown[] = []): void {
    let passed = 0;
    let failed = errors.length;
    let skipped = 0;
    const visit = (task: TaskLike): void => {
      if (task.type === 'test') {
        const state = task.result?.state;
        if (state === 'pass') passed++;
        else if (state === 'fail') failed++;
        else skipped++;
        return;
      }
      const children = task.tasks ?? [];
      // A suite or file that failed without running its tests (e.g. an import error).
      if (task.result?.state === 'fail' && !children.some((c) => c.result?.state === 'fail')) failed++;
      for (const child of children) visit(child);
    };
    for (const file of files) visit(file);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
