/**
 * AWS-artefact checks, global setup: one full `cdk synth` (the CLI, with bundling, exactly as
 * `cdk deploy` runs it) into cdk.out, once per run. The tests in test/aws read what it wrote.
 * SYNTH_DIR=<folder> reuses an existing synth (e.g. while iterating on these tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    synthDir: string;
    synthMs: number;
  }
}

export const root = resolve(import.meta.dirname, '../..');

export default function setup(project: TestProject) {
  const reuse = process.env.SYNTH_DIR;
  if (reuse) {
    if (!existsSync(join(reuse, 'manifest.json')))
      throw new Error(`SYNTH_DIR=${reuse} holds no cloud assembly`);
    project.provide('synthDir', resolve(reuse));
    project.provide('synthMs', 0);
    return;
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
  project.provide('synthDir', outDir);
  project.provide('synthMs', Math.round(performance.now() - started));
}
