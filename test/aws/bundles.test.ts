/**
 * The Lambda bundles of the full synth, as AWS would run them:
 * - every declared function is deployed, from a bundle of its own;
 * - size budgets (index.mjs): functions behind HTTP routes <= 800 KB each and <= 400 KB at the median,
 *   every other function <= 1.5 MB;
 * - each bundle is imported in a child process with exactly the environment its template gives it
 *   (plus AWS_REGION, as the Lambda service sets it; intrinsic values resolved to stand-in strings) and
 *   exports a `handler` function: a module that reads an undeclared variable at init fails here, not
 *   on AWS.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { synthesizedFunctions } from '../../infra/cloud-assembly.ts';
import { type FunctionName, functions, routes } from '../../infra/resources.ts';

import {
  bundleBudgets,
  importBundle,
  lambdaTaskCopy,
  templateEnvironment,
} from '../support/aws-artefacts.ts';

const projectRoot = resolve(import.meta.dirname, '../..');

const KB = 1024;

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size)
    results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

describe('the Lambda bundles of the full synth', () => {
  const found = synthesizedFunctions(inject('synthDir'));
  const httpFunctions = new Set<FunctionName>(routes.map((r) => r.function));
  const sizes = found.map((fn) => ({
    name: fn.name,
    http: httpFunctions.has(fn.name),
    kb: statSync(fn.bundleFile).size / KB,
  }));

  it('deploy every declared function once, each from its own bundle', () => {
    expect(found.map((f) => f.name).sort()).toEqual((Object.keys(functions) as FunctionName[]).sort());
    expect(new Set(found.map((f) => f.assetDir)).size).toBe(found.length);
  });

  it(`stay within budget: HTTP functions <= ${bundleBudgets.httpMaxKb} KB each and <= ${bundleBudgets.httpMedianKb} KB at the median, others <= ${bundleBudgets.otherMaxKb} KB`, () => {
    const largest = [...sizes].sort((a, b) => b.kb - a.kb).slice(0, 5);
    const http = sizes
      .filter((s) => s.http)
      .map((s) => s.kb)
      .sort((a, b) => a - b);
    const median = http[Math.floor(http.length / 2)]!;
    console.log(
      `bundles: ${sizes.length} functions; HTTP median ${median.toFixed(0)} KB; largest ${largest.map((s) => `${s.name} ${s.kb.toFixed(0)} KB`).join(', ')}`,
    );
    expect(
      sizes
        .filter((s) => s.http && s.kb > bundleBudgets.httpMaxKb)
        .map((s) => `${s.name} ${s.kb.toFixed(0)} KB`),
    ).toEqual([]);
    expect(
      sizes
        .filter((s) => !s.http && s.kb > bundleBudgets.otherMaxKb)
        .map((s) => `${s.name} ${s.kb.toFixed(0)} KB`),
    ).toEqual([]);
    expect(median).toBeLessThanOrEqual(bundleBudgets.httpMedianKb);
  });

  it('initialize with exactly the environment their template gives them: 0 init failures', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lambda-task-'));
    try {
      const results = await inBatches(found, 4, async (fn) => ({
        name: fn.name,
        ...(await importBundle(lambdaTaskCopy(root, projectRoot, fn.name, fn.bundleFile), {
          ...templateEnvironment(fn),
          AWS_REGION: 'us-east-1',
        })),
      }));
      expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.output}`)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
