/**
 * npm start as a user meets it: Ctrl-C leaves no process behind (also while starting or loading the
 * demo) and the data is kept for the next start; a port in use, a corrupt data folder and a missing
 * Java each get one line that says what to do.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { startCli, stopCli, waitForCloud } from '../support/local-cloud-setup.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'patents-life-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = out.split('\n').filter(Boolean).map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function localToken(controlUrl: string): Promise<string> {
  const response = await fetch(`${controlUrl}/_local/token`, {
    method: 'POST',
    body: JSON.stringify({ role: 'national-admin' }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function runToExit(env: Record<string, string>, args: string[] = ['--no-demo']) {
  const child = startCli(env, args);
  let output = '';
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output: output.trim() };
}

// Each test starts `npm start` (a JVM, DynamoDB Local, s3rver) once or twice and stops it: a bound on
// hangs, not a speed check (start-up is measured by `npm run bench -- startup`).
describe('npm start lifecycle', { timeout: 180_000 }, () => {
  it('stops every child process on Ctrl-C and keeps the data for the next start', async () => {
    const dataDir = tempDir();
    // The first start loads no demo: its load (some twenty functions, each a cold execution environment
    // of its own, as in Lambda) is not what this test is about. One write through the API is the data
    // that must survive; the test below interrupts a demo load.
    const child = startCli({ PORT: String(await freePort()), DATA_DIR: dataDir }, ['--no-demo']);
    const info = await waitForCloud(child, dataDir);
    const health = await fetch(`${info.apiUrl}/health`);
    expect(health.status).toBe(200);
    const admin = await localToken(info.controlUrl);
    const uscc = withUsccCheck('12110000MB0000901');
    const registered = await fetch(`${info.apiUrl}/v1/institutions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        uscc,
        name: '生命周期测试大学',
        provinceCode: '110000',
        kind: 'university',
        contactEmail: 'tt@lifecycle.example.edu.cn',
      }),
    });
    expect(registered.status, await registered.text()).toBe(201);
    const spawned = descendants(child.pid!);
    expect(spawned.length).toBeGreaterThan(0); // DynamoDB Local's JVM at least
    expect(await stopCli(child)).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(spawned.filter(alive)).toEqual([]);

    // The data written before is still there after a restart, and the demo leaves a store with data alone.
    const again = startCli({ PORT: String(await freePort()), DATA_DIR: dataDir }, []);
    let output = '';
    again.stdout?.on('data', (c) => {
      output += c;
    });
    const restarted = await waitForCloud(again, dataDir);
    expect(output).toMatch(/Demo data\s+kept/);
    const read = await fetch(`${restarted.apiUrl}/v1/institutions/${uscc}`, {
      headers: { authorization: `Bearer ${await localToken(restarted.controlUrl)}` },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ uscc, name: '生命周期测试大学' });
    expect(await stopCli(again)).toBe(0);
  });

  it('a Ctrl-C while starting or while the demo loads also leaves nothing behind', async () => {
    for (const when of ['starting', 'loading demo']) {
      const dataDir = tempDir();
      const child = startCli({ PORT: String(await freePort()), DATA_DIR: dataDir }, []);
      const seen = new Set<number>();
      const deadline = Date.now() + 30_000;
      // Interrupt once the JVM is up (starting) or once the API is serving (the demo loads right after).
      for (;;) {
        for (const pid of descendants(child.pid!)) seen.add(pid);
        const apiUp = existsSync(join(dataDir, 'local-cloud.json'));
        if ((when === 'starting' && seen.size > 0 && !apiUp) || (when === 'loading demo' && apiUp)) break;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never reached "${when}"`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const code = await stopCli(child);
      expect(code, when).not.toBeNull();
      await new Promise((r) => setTimeout(r, 500));
      expect([...seen].filter(alive), when).toEqual([]);
    }
  });

  it('a port in use gets one line naming the port and what to do', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const { code, output } = await runToExit({ PORT: String(port), DATA_DIR: tempDir() }, [
        '--in-memory',
        '--no-demo',
      ]);
      expect(code).toBe(1);
      const last = output.split('\n').at(-1)!;
      expect(last).toContain(`Port ${port}`);
      expect(last).toContain(`PORT=${port + 1} npm start`);
    } finally {
      blocker.close();
    }
  });

  it('a corrupt data folder gets one line that says how to recover', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'local-cloud.json'), '{ not json');
    const { code, output } = await runToExit({ PORT: String(await freePort()), DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(output.split('\n').at(-1)).toMatch(/corrupt: delete it .* and start again/);

    const broken = tempDir();
    mkdirSync(join(broken, 'dynamodb'));
    writeFileSync(join(broken, 'dynamodb', 'shared-local-instance.db'), Buffer.alloc(64 * 1024, 7));
    const db = await runToExit({ PORT: String(await freePort()), DATA_DIR: broken });
    expect(db.code).toBe(1);
    expect(db.output.split('\n').at(-1)).toMatch(/corrupt.*mv .*--in-memory/);
  });

  it('missing Java gets one line that says how to install it', async () => {
    const { code, output } = await runToExit(
      { PORT: String(await freePort()), DATA_DIR: tempDir(), PATH: '/nonexistent' },
      ['--in-memory', '--no-demo'],
    );
    expect(code).toBe(1);
    expect(output.split('\n').at(-1)).toMatch(
      /Java 17\+ is needed .* apt-get install -y default-jre-headless/,
    );
  });
});
