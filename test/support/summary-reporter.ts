/**
 * Prints the slowest test files (to keep CI's time in view: `.ci/run` should stay under 20 minutes) and
 * one plain closing line, "N passed, N failed[, N skipped]", that any CI can read. After a failure it
 * also prints the error lines the shared local clouds logged in this run (.tmp/cloud-<project>.log,
 * test/support/local-cloud-setup.ts): a function's error reaches the CI log with the failed test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const logFolder = resolve(import.meta.dirname, '../../.tmp');
/** A function's error (Powertools at ERROR) or an API answer 5xx, as the local cloud prints them. */
const errorLine = /"level":"(ERROR|CRITICAL)"|^\S+ \S+ 5\d\d \d+ms$/;

/**
 * The last `max` error lines of the cloud logs of `projects` written since `since` (ms), each cut to
 * 1,500 characters. (npm test runs the integration project in a vitest process of its own.)
 */
export function cloudErrors(
  projects: ReadonlySet<string>,
  since: number,
  max = 30,
  folder = logFolder,
): string[] {
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => projects.has(/^cloud-(.*)\.log$/.exec(n)?.[1] ?? ''));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names.sort()) {
    const file = join(folder, name);
    if (statSync(file).mtimeMs < since) continue;
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => errorLine.test(line));
    if (lines.length === 0) continue;
    out.push(`${name}: ${lines.length} error line(s)${lines.length > max ? `, the last ${max}` : ''}:`);
    for (const line of lines.slice(-max))
      out.push(`  ${line.length > 1500 ? `${line.slice(0, 1500)} …` : line}`);
  }
  return out;
}

type ModuleResult = Pick<TestModule, 'state'> & {
  children: { allTests(): Iterable<{ result(): { state: string } }> };
};

/**
 * Tests by outcome. A file that failed without a failing test (it did not load, or a beforeAll threw and
 * its tests were skipped) counts as one failure: the closing line never says "0 failed" of a failed run.
 */
export function countResults(modules: ReadonlyArray<ModuleResult>) {
  const count = { passed: 0, failed: 0, skipped: 0 };
  for (const module of modules) {
    let failed = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') count.passed++;
      else if (state === 'failed') failed++;
      else count.skipped++;
    }
    count.failed += module.state() === 'failed' && failed === 0 ? 1 : failed;
  }
  return count;
}

export default class SummaryReporter implements Reporter {
  private readonly started = Date.now();

  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const count = countResults(testModules);
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
    if (count.failed > 0) {
      const errors = cloudErrors(new Set(testModules.map((m) => m.project.name)), this.started);
      if (errors.length > 0)
        console.log(`\nwhat the local clouds logged as errors in this run:\n${errors.join('\n')}`);
    }
    console.log(
      `\n${count.passed} passed, ${count.failed} failed${count.skipped ? `, ${count.skipped} skipped` : ''}`,
    );
  }
}
