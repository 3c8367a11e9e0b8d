/**
 * Start-up of the local cloud as a user meets it: `npm start`'s entry point spawned cold, timed until
 * GET /health (public liveness) answers 200, then until it has stopped after SIGINT. Until issue 10
 * /health probed every component; the deep probe is now GET /v1/admin/health (national admins).
 * Runs in memory and on disk (a fresh data folder, then a restart on the same folder).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../infra/local/ports.ts';

const root = resolve(import.meta.dirname, '..');

async function once(args: string[], dataDir: string) {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--import', 'tsx', 'infra/local/start.ts', ...args],
    {
      cwd: root,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
      stdio: 'ignore',
    },
  );
  let healthyMs = Number.NaN;
  for (let i = 0; i < 600; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.status === 200) {
        healthyMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stopping = performance.now();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
  return { healthyMs: Math.round(healthyMs), stopMs: Math.round(performance.now() - stopping) };
}

export async function benchStartup() {
  const runs = 3;
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const inMemory: number[] = [];
  const fresh: number[] = [];
  const restart: number[] = [];
  const stops: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'patents-bench-'));
    try {
      const a = await once(['--in-memory', '--no-demo'], dir);
      inMemory.push(a.healthyMs);
      stops.push(a.stopMs);
      fresh.push((await once([], dir)).healthyMs);
      restart.push((await once([], dir)).healthyMs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    runs,
    healthyMsInMemory: median(inMemory),
    healthyMsFreshDataDir: median(fresh),
    healthyMsRestart: median(restart),
    stopMs: median(stops),
    goalHealthyMs: 30_000,
    samples: { inMemory, fresh, restart, stops },
  };
}
