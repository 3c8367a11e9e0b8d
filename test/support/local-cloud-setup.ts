/**
 * Integration global setup: starts the real local cloud (`npm start` exactly as a user runs it, in
 * memory, on free ports, with its own data folder) once for the run, and stops it with SIGINT after.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/local/ports.ts';
import { functions } from '../../infra/resources.ts';

export interface CloudInfo {
  apiUrl: string;
  controlUrl: string;
  endpoints: { dynamodb: string; s3: string; stepFunctions: string; scheduler: string; logs: string };
  dataDir: string;
  pid: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cloud: CloudInfo;
  }
}

export const root = resolve(import.meta.dirname, '../..');

/** Where a project's shared cloud keeps its output for the run (overwritten by the next run). */
export const cloudLogFile = (projectName: string) => join(root, '.tmp', `cloud-${projectName}.log`);

export function startCli(
  env: Record<string, string>,
  args: string[] = ['--in-memory', '--no-demo'],
): ChildProcess {
  return spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--import', 'tsx', 'infra/local/start.ts', ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

export async function waitForCloud(
  child: ChildProcess,
  dataDir: string,
  timeoutMs = 60_000,
): Promise<CloudInfo> {
  let output = '';
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  const stateFile = join(dataDir, 'local-cloud.json');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`local cloud exited (${child.exitCode}): ${output}`);
    if (existsSync(stateFile) && output.includes('Local cloud ready')) {
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as Omit<CloudInfo, 'dataDir'>;
      return { ...state, dataDir };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`local cloud not ready within ${timeoutMs} ms: ${output}`);
}

export async function stopCli(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

/**
 * Starts `npm start` in memory on free ports with its own data folder and provides it as `cloud`;
 * with `bundles`, running that cloud assembly's synthesized Lambda bundles instead of the sources.
 * Returns the teardown (SIGINT, then the data folder removed).
 */
export async function provideCloud(project: TestProject, bundles?: string): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'patents-it-'));
  const port = await freePort();
  const child = startCli(
    {
      PORT: String(port),
      DATA_DIR: dataDir,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      // Every function stays warm once started. With the default bound (24, least recently used
      // evicted) the suites, which reach every route, started functions again and again, and a start
      // costs about 2 s of CPU (tsx loads the sources): the fuzz took 187 s after the matrix with 24
      // warm, 10 s with all warm. The price is memory: about 9 GB for the cloud's process with 110
      // functions warm (the machines here have 24 GB). The bundles' cloud (test/aws) starts a function
      // in a fraction of that and keeps the default.
      ...(bundles ? {} : { LOCAL_WARM_FUNCTIONS: String(Object.keys(functions).length) }),
    },
    ['--in-memory', '--no-demo', ...(bundles ? ['--bundles', bundles] : [])],
  );
  // What the cloud prints (requests, and function errors at POWERTOOLS_LOG_LEVEL) is kept in a file,
  // CLOUD_LOG or .tmp/cloud-<project>.log: after a failed run the summary reporter prints its error
  // lines (test/support/summary-reporter.ts), so that a CI log says why a function failed.
  const logFile = process.env.CLOUD_LOG ?? cloudLogFile(project.name);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const cloud = await waitForCloud(child, dataDir, 120_000);
  project.provide('cloud', cloud);
  return async () => {
    await stopCli(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
}

export default function setup(project: TestProject) {
  return provideCloud(project);
}
