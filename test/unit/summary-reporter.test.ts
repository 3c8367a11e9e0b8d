/** The summary reporter's excerpt of the local clouds' logs after a failed run. */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloudErrors, countResults } from '../support/summary-reporter.ts';

describe('cloudErrors', () => {
  const folder = mkdtempSync(join(tmpdir(), 'cloud-logs-'));
  const error = (n: number) =>
    `{"level":"ERROR","message":"batch ingest failed","jobId":"j${n}","error":{"Error":"TransactionCanceledException"}}`;
  writeFileSync(
    join(folder, 'cloud-integration.log'),
    [
      'Local cloud ready in 4.2 s (in memory)',
      'POST /v1/uploads 201 25ms',
      error(1),
      'GET /v1/jobs/abc 500 12ms',
      '{"level":"WARN","message":"progress not recorded"}',
      error(2),
      `{"level":"ERROR","message":"${'x'.repeat(3000)}"}`,
    ].join('\n'),
  );
  writeFileSync(join(folder, 'cloud-aws.log'), `${error(9)}\n`);
  writeFileSync(join(folder, 'cloud-readme.log'), `${error(8)}\n`);
  // A log of an earlier run: older than the run's start.
  utimesSync(join(folder, 'cloud-readme.log'), new Date(0), new Date(0));

  it("lists the error lines and 5xx answers of this run's projects, newest last, bounded", () => {
    const lines = cloudErrors(new Set(['integration', 'readme']), Date.now() - 60_000, 3, folder);
    expect(lines[0]).toBe('cloud-integration.log: 4 error line(s), the last 3:');
    expect(lines[1]).toBe('  GET /v1/jobs/abc 500 12ms');
    expect(lines[2]).toBe(`  ${error(2)}`);
    expect(lines[3]!.length).toBe(2 + 1500 + 2);
    expect(lines).toHaveLength(4);
  });

  it('says nothing of other projects, of logs older than the run, or of a missing folder', () => {
    expect(cloudErrors(new Set(['aws']), Date.now() - 60_000, 30, folder)).toEqual([
      'cloud-aws.log: 1 error line(s):',
      `  ${error(9)}`,
    ]);
    expect(cloudErrors(new Set(['readme', 'unit']), Date.now() - 60_000, 30, folder)).toEqual([]);
    expect(cloudErrors(new Set(['integration']), 0, 30, join(folder, 'absent'))).toEqual([]);
  });
});

describe('countResults', () => {
  const module = (state: string, tests: string[]) => ({
    state: () => state as never,
    children: { allTests: () => tests.map((t) => ({ result: () => ({ state: t }) })) },
  });

  it('counts a file whose beforeAll threw (its tests skipped) or that did not load as one failure', () => {
    expect(
      countResults([
        module('passed', ['passed', 'passed', 'skipped']),
        module('failed', ['skipped', 'skipped']),
        module('failed', []),
        module('failed', ['passed', 'failed', 'failed']),
      ]),
    ).toEqual({ passed: 3, failed: 4, skipped: 3 });
  });
});
