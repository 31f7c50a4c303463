import type { RunnerTask, RunnerTestFile } from 'vitest';
import type { Reporter } from 'vitest/reporters';

/** Ends the run with one plain `tests: N passed, N failed, N skipped` line that any CI can read. */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = []): void {
    const counts = { pass: 0, fail: 0, skip: 0 };
    const visit = (task: RunnerTask) => {
      if (task.type === 'suite') {
        for (const child of task.tasks) visit(child);
        return;
      }
      const state = task.result?.state;
      if (state === 'pass') counts.pass += 1;
      else if (state === 'fail') counts.fail += 1;
      else counts.skip += 1;
    };
    for (const file of files) visit(file);
    // A file that failed to load has no tests to count: count it as one failure.
    const failedFiles = files.filter((f) => f.result?.state === 'fail' && f.tasks.length === 0).length;
    process.stdout.write(
      `\ntests: ${counts.pass} passed, ${counts.fail + failedFiles} failed, ${counts.skip} skipped\n`,
    );
  }
}
