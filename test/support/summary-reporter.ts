/**
 * Prints the slowest test files (to keep CI's time in view: `.ci/run` should stay under 20 minutes) and
 * one plain closing line, "N passed, N failed[, N skipped]", that any CI can read.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') count.failed++;
        else count.skipped++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) count.failed++;
    }
    const slowest = testModules
      .map((module) => ({ file: module.relativeModuleId, ms: module.diagnostic().duration }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 15);
    if (testModules.length > 15) {
      console.log('\nslowest test files:');
      for (const { file, ms } of slowest) console.log(`${(ms / 1000).toFixed(1).padStart(8)} s  ${file}`);
      // Per project, the sum of its files' durations: the integration files run one after another, so
      // their sum is a floor of the run's wall time; the others share the remaining worker.
      const projects = new Map<string, { files: number; ms: number }>();
      for (const module of testModules) {
        const name = module.project.name || 'default';
        const sum = projects.get(name) ?? { files: 0, ms: 0 };
        projects.set(name, { files: sum.files + 1, ms: sum.ms + module.diagnostic().duration });
      }
      console.log('\ntest file time per project (sum of file durations):');
      for (const [name, { files, ms }] of [...projects].sort((a, b) => b[1].ms - a[1].ms))
        console.log(`${(ms / 1000).toFixed(1).padStart(8)} s  ${name} (${files} files)`);
    }
    console.log(
      `\n${count.passed} passed, ${count.failed} failed${count.skipped ? `, ${count.skipped} skipped` : ''}`,
    );
  }
}
