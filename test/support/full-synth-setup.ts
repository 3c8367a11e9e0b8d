/**
 * AWS-artefact checks, global setup: one full `cdk synth` (the CLI, with bundling, exactly as
 * `cdk deploy` runs it) into cdk.out, once per run. The tests in test/aws read what it wrote, and the
 * local cloud runs its bundles for the smoke tests.
 * SYNTH_DIR=<folder> reuses an existing synth (e.g. while iterating on these tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { provideCloud } from './local-cloud-setup.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    synthDir: string;
    synthMs: number;
  }
}

export const root = resolve(import.meta.dirname, '../..');

/** The cloud assembly: SYNTH_DIR when given, else one full synth into cdk.out. */
function synthesize(project: TestProject): string {
  const reuse = process.env.SYNTH_DIR;
  if (reuse) {
    if (!existsSync(join(reuse, 'manifest.json')))
      throw new Error(`SYNTH_DIR=${reuse} holds no cloud assembly`);
    project.provide('synthMs', 0);
    return resolve(reuse);
  }
  const outDir = join(root, 'cdk.out');
  const started = performance.now();
  const result = spawnSync(join(root, 'node_modules/.bin/cdk'), ['synth', '--quiet', '-o', outDir], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`npx cdk synth failed (exit ${result.status}):\n${result.stderr.slice(-8000)}`);
  project.provide('synthMs', Math.round(performance.now() - started));
  return outDir;
}

/**
 * Synthesizes, then starts the local cloud running the synthesized bundles (`npm start -- --bundles`)
 * for the smoke tests of test/aws/bundles-smoke.test.ts: the artefacts that would be deployed, run.
 */
export default async function setup(project: TestProject) {
  const synthDir = synthesize(project);
  project.provide('synthDir', synthDir);
  return provideCloud(project, synthDir);
}
