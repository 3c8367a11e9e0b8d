/**
 * The README is executable: every shell block of its "Using the local system" section runs, as
 * written and top to bottom in one bash (`set -euo pipefail`: a failing command or curl -f on an
 * HTTP error fails the test), against a fresh `npm start` with the demo data, so that the README
 * cannot drift from the system. The blocks take the system's address from `API` and `DATA_DIR`, as
 * the README tells readers who start it on another port or data folder.
 * Caught when written: the upload named a file nothing created (the job stayed queued), the example
 * enterprise was not in the demo, the evaluation digest and the weekly feedback sent nothing (a past
 * day; demo institutions without a contact email), `npm run token` failed with an absolute DATA_DIR,
 * and GET /v1/patents answered 500 on the demo (undeclared transfer fields on the patent view).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.ts';
import { type CloudInfo, root, startCli, stopCli, waitForCloud } from '../support/local-cloud-setup.ts';

/** The ```bash blocks of one `## ` section of README.md, in order. */
function shellBlocks(markdown: string, section: string): string[] {
  const start = markdown.indexOf(`\n## ${section}\n`);
  if (start < 0)
    throw new Error(`README.md has no section "## ${section}": update this test with the README.`);
  const rest = markdown.slice(start + 1);
  const next = rest.indexOf('\n## ');
  const body = next < 0 ? rest : rest.slice(0, next);
  return [...body.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('README.md, "Using the local system"', () => {
  const blocks = shellBlocks(readFileSync(join(root, 'README.md'), 'utf8'), 'Using the local system');
  const dataDir = mkdtempSync(join(tmpdir(), 'patents-readme-'));
  const workDir = mkdtempSync(join(tmpdir(), 'patents-readme-work-'));
  let child: ReturnType<typeof startCli>;
  let cloud: CloudInfo;

  beforeAll(async () => {
    // A fresh system as `npm start` gives it (demo data loaded), in memory, on a free port, with an
    // absolute DATA_DIR (npm run token / job find it there).
    child = startCli({ PORT: String(await freePort()), DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR' }, [
      '--in-memory',
    ]);
    cloud = await waitForCloud(child, dataDir, 240_000);
  }, 250_000);
  afterAll(async () => {
    if (child) await stopCli(child);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('has shell blocks to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it('runs every block as written, top to bottom; the jobs it fires send email', async () => {
    // The blocks run from the project folder; here `npm` is pointed at it (--prefix) and the shell
    // runs in a scratch folder, so the files the blocks download stay out of the working tree.
    const bin = join(workDir, 'bin');
    mkdirSync(bin);
    const npm = execFileSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\nexec "${npm}" --prefix "${root}" "$@"\n`, { mode: 0o755 });
    const script = ['set -euo pipefail', ...blocks].join('\n');
    const run = await bash(script, {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      API: cloud.apiUrl,
      DATA_DIR: dataDir,
    });
    expect(run.status, `${run.stderr}\n${run.stdout.slice(-4000)}`).toBe(0);

    const results = [...run.stdout.matchAll(/"name": "([\w-]+)",[\s\S]*?"ok": (true|false)/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(results).toEqual(
      expect.arrayContaining([
        ['quarterly-report', 'true'],
        ['evaluation-digest', 'true'],
        ['weekly-feedback', 'true'],
      ]),
    );
    const sent = (job: string) =>
      Number(new RegExp(`"name": "${job}"[\\s\\S]*?"sent": (\\d+)`).exec(run.stdout)?.[1] ?? 0);
    expect(sent('evaluation-digest')).toBeGreaterThan(0);
    expect(sent('weekly-feedback')).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/"status": ?"succeeded"/);
    expect(readdirSync(join(workDir))).toEqual(expect.arrayContaining(['盘点.csv', '盘点模板.xlsx']));
    expect(readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml')).length).toBeGreaterThan(0);

    // Find and be found (issue 15, "Done when"): the search found the demo's separator patents first,
    // with why; the institution proposed one; the expert accepted its commission (contact revealed);
    // the last digest run mailed the enterprise ONE alert holding the proposal and the new patent.
    const search = run.stdout.indexOf('"title": "一种耐高温聚酰亚胺纳米纤维电池隔膜的制备方法"');
    expect(search, run.stdout.slice(-6000)).toBeGreaterThan(0);
    expect(run.stdout.slice(search, search + 3000)).toContain('"term": "隔膜"');
    expect(run.stdout).toContain('"message":"聚酰亚胺纳米纤维隔膜耐 300℃，已完成中试，可提供样品。"');
    expect(run.stdout).toContain('"expertContact":{"email":"chen.materials@expert.example.org"}');
    const alerts = [...run.stdout.matchAll(/"searchAlerts": \{[^}]*?"mailed": (\d+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(alerts.at(-1), run.stdout.slice(-3000)).toBe(1);
    // Queued by the run, sent by the stream's mail sender a moment later.
    let text: string | undefined;
    let subjects: string[] = [];
    for (let wait = 0; wait < 60 && text === undefined; wait++) {
      if (wait) await new Promise((resolve) => setTimeout(resolve, 500));
      const mails = await Promise.all(
        readdirSync(join(dataDir, 'outbox'))
          .filter((f) => f.endsWith('.eml'))
          .map(async (f) => simpleParser(readFileSync(join(dataDir, 'outbox', f)))),
      );
      const alert = mails.filter((m) => m.to && 'text' in m.to && m.to.text === 'battery@example.com');
      subjects = alert.map((m) => m.subject ?? '');
      text = alert.map((m) => m.text ?? '').find((t) => t.includes('订阅“锂电池隔膜”'));
    }
    expect(text, subjects.join('\n')).toBeDefined();
    expect(text).toContain('一种高安全性锂电池阻燃隔膜');
    expect(text).toContain('您的技术需求“动力电池用耐高温隔膜”：高校院所揭榜提出专利 1 件');
    expect(text).toContain('匹配词 锂电池');
  }, 300_000);

  /** bash -c script in the scratch folder; async, so this process keeps reading the cloud's output. */
  function bash(script: string, env: NodeJS.ProcessEnv) {
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const shell = spawn('bash', ['-c', script], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      shell.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      shell.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      shell.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }
});
