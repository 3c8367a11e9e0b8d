import { describe, expect, it } from 'vitest';
import { deliverMail, type MailItem, newMailItem, retryDueMail } from '../../functions/mail/mail-outbox.ts';
import { renderScope } from '../../functions/reports/render-scope.ts';
import { getReport, listReports, runReport } from '../../functions/reports/report-api.ts';
import { reportKeys } from '../../functions/reports/report-mail.ts';
import type { ReportReads, StoredReport } from '../../functions/reports/report-store.ts';
import {
  computeScope,
  emailScope,
  InvalidReportRunError,
  prepareRun,
  provinceScopes,
  type ReportFiles,
  type ReportStore,
  recordRun,
  type SentMarker,
} from '../../functions/reports/reports.ts';
import { adminDirectory, localAdminUsers } from '../../functions/shared/directory.ts';
import { NotFoundError } from '../../functions/shared/errors.ts';
import { devUsers } from '../../infra/local/dev-users.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { beijingAdmin, nationalAdmin, shanghaiAdmin } from '../support/callers.ts';
import { memoryOutbox } from '../support/memory-outbox.ts';
import { nationalFigures, provinceFigures } from './report.fixtures.ts';

function memoryFiles(): ReportFiles & { data: Map<string, Buffer>; presign(key: string): Promise<string> } {
  const data = new Map<string, Buffer>();
  return {
    data,
    async put(key, body) {
      data.set(key, Buffer.isBuffer(body) ? body : Buffer.from(body));
    },
    async get(key) {
      return data.get(key);
    },
    async presign(key) {
      return `https://reports.example/${key}?signed`;
    },
  };
}

function memoryStore(failFor: Set<string> = new Set()) {
  const markers = new Map<string, SentMarker & { scope: string; quarter: string }>();
  const queued: Array<{ sub: string; message: MailMessage; mailId: string }> = [];
  let recorded: Parameters<ReportStore['recordReport']>[0] | undefined;
  let n = 0;
  const store: ReportStore = {
    async sentMarkers(quarter, scope) {
      return new Map(
        [...markers.values()]
          .filter((m) => m.quarter === quarter && m.scope === scope)
          .map((m) => [m.sub, m]),
      );
    },
    async queueReportMail({ quarter, scope, sub, runId, resend, message }) {
      if (failFor.has(sub)) throw new Error('outbox write failed');
      const key = `${quarter}|${scope}|${sub}`;
      const existing = markers.get(key);
      const mailId = `mail-${++n}`;
      if (existing && (!resend || existing.runId === runId)) return { mailId, queued: false };
      markers.set(key, { quarter, scope, sub, runId, mailId });
      queued.push({ sub, message, mailId });
      return { mailId, queued: true };
    },
    async recordReport(input) {
      recorded = input;
    },
  };
  return { store, markers, queued, recorded: () => recorded };
}

const now = () => new Date('2026-01-01T01:00:00+08:00');
const directory = (optedOut: string[] = []) =>
  adminDirectory(localAdminUsers(devUsers), { optedOut: async () => new Set(optedOut) });

async function rendered(files: ReturnType<typeof memoryFiles>, scope: string) {
  const figures = scope === 'national' ? nationalFigures('2025Q4') : provinceFigures(scope, '2025Q4');
  await computeScope({ files, computeFigures: async () => figures }, { quarter: '2025Q4', scope });
  return renderScope({ files, now }, { quarter: '2025Q4', scope });
}

describe('prepareRun', () => {
  it('defaults to the quarter that ended last in China, and lists every province', () => {
    expect(prepareRun({}, new Date('2026-01-01T01:00:00+08:00'))).toMatchObject({
      quarter: '2025Q4',
      resend: false,
    });
    // 2025-12-31 20:00 UTC is already 2026-01-01 in China.
    expect(prepareRun({}, new Date('2025-12-31T20:00:00Z')).quarter).toBe('2025Q4');
    expect(prepareRun({}, new Date('2025-12-31T15:00:00Z')).quarter).toBe('2025Q3');
    expect(prepareRun({ quarter: '2024q2', resend: true }, now())).toMatchObject({
      quarter: '2024Q2',
      resend: true,
    });
    expect(prepareRun({}, now()).scopes.slice(0, provinceScopes().length)).toEqual(provinceScopes());
    expect(provinceScopes()).toContain('110000');
  });

  it('rejects 2025Q5, a future quarter and a resend that is not a boolean', () => {
    expect(() => prepareRun({ quarter: '2025Q5' }, now())).toThrow(InvalidReportRunError);
    expect(() => prepareRun({ quarter: '2026Q2' }, now())).toThrow(/has not started yet/);
    expect(() => prepareRun({ quarter: '2025Q4', resend: 'yes' }, now())).toThrow(/resend/);
  });
});

describe('compute and render', () => {
  it('stores the figures, then the HTML page (chart inline as data URI), XLSX, PNG and the email body', async () => {
    const files = memoryFiles();
    const result = await rendered(files, 'national');
    const keys = reportKeys('2025Q4', 'national');
    expect([...files.data.keys()].sort()).toEqual(Object.values(keys).sort());
    expect(result.hasData).toBe(true);
    expect(files.data.get(keys.html)!.toString()).toContain('src="data:image/png;base64,');
    const mail = JSON.parse(files.data.get(keys.mail)!.toString());
    expect(mail.html).toContain('cid:');
    expect(mail.generatedAt).toBe(now().toISOString());
  });

  it('refuses figures that do not have the computed shape', async () => {
    const files = memoryFiles();
    await expect(
      computeScope(
        { files, computeFigures: async () => ({ quarter: '2025Q4' }) as never },
        { quarter: '2025Q4', scope: 'national' },
      ),
    ).rejects.toThrow();
    expect(files.data.size).toBe(0);
  });
});

describe('emailScope', () => {
  it('national report to national admins only; province report to that province admins only', async () => {
    const files = memoryFiles();
    await rendered(files, 'national');
    await rendered(files, '110000');
    const { store, queued } = memoryStore();
    const national = await emailScope(
      { files, store, directory: directory() },
      { quarter: '2025Q4', scope: 'national', runId: 'r1' },
    );
    expect(national.recipients.map((r) => [r.sub, r.status])).toEqual([
      ['dev-national-admin', 'queued'],
      ['dev-national-analyst', 'queued'],
    ]);
    const beijing = await emailScope(
      { files, store, directory: directory() },
      { quarter: '2025Q4', scope: '110000', runId: 'r1' },
    );
    expect(beijing.recipients.map((r) => r.sub)).toEqual(['dev-admin-110000']);
    expect(queued.map((q) => q.message.to[0])).toEqual([
      'admin@patents.local',
      'analyst@patents.local',
      'beijing-admin@patents.local',
    ]);
    const message = queued[0]!.message;
    expect(message.attachments.map((a) => a.s3Key)).toEqual([
      'reports/2025Q4/national.xlsx',
      'reports/2025Q4/national.png',
    ]);
    expect(message.html).toContain('全国 National');
  });

  it('an admin with no email is skipped and recorded; an opted-out admin too', async () => {
    const files = memoryFiles();
    await rendered(files, '440000');
    const { store, queued } = memoryStore();
    const outcome = await emailScope(
      { files, store, directory: directory(['dev-admin-440000']) },
      { quarter: '2025Q4', scope: '440000', runId: 'r1' },
    );
    expect(outcome.recipients).toEqual([
      { sub: 'dev-admin-440000', email: 'guangdong-admin@patents.local', status: 'opted-out' },
      { sub: 'dev-admin-440000-noemail', status: 'no-email' },
    ]);
    expect(queued).toEqual([]);
    const summary = await recordRun(
      { store, now },
      { quarter: '2025Q4', runId: 'r1', national: outcome, provinces: [] },
    );
    expect(summary).toMatchObject({ noEmail: 1, optedOut: 1, queued: 0 });
  });

  it('a re-run sends nothing new; resend sends again once per run (a retried task does not)', async () => {
    const files = memoryFiles();
    await rendered(files, '110000');
    const { store, queued } = memoryStore();
    const deps = { files, store, directory: directory() };
    const input = { quarter: '2025Q4', scope: '110000' };
    await emailScope(deps, { ...input, runId: 'r1' });
    const again = await emailScope(deps, { ...input, runId: 'r2' });
    expect(again.recipients[0]!.status).toBe('already-sent');
    expect(queued).toHaveLength(1);
    const resend = await emailScope(deps, { ...input, runId: 'r3', resend: true });
    expect(resend.recipients[0]!.status).toBe('queued');
    const retried = await emailScope(deps, { ...input, runId: 'r3', resend: true });
    expect(retried.recipients[0]!.status).toBe('already-sent');
    expect(queued).toHaveLength(2);
  });

  it('the outbox failing for one recipient: the others are queued, the failure recorded, the next run retries it', async () => {
    const files = memoryFiles();
    await rendered(files, 'national');
    const failing = new Set(['dev-national-admin']);
    const { store, queued } = memoryStore(failing);
    const deps = { files, store, directory: directory() };
    const first = await emailScope(deps, { quarter: '2025Q4', scope: 'national', runId: 'r1' });
    expect(first.recipients.map((r) => [r.sub, r.status])).toEqual([
      ['dev-national-admin', 'failed'],
      ['dev-national-analyst', 'queued'],
    ]);
    expect(first.recipients[0]!.error).toBe('outbox write failed');
    const summary = await recordRun(
      { store, now },
      { quarter: '2025Q4', runId: 'r1', national: first, provinces: [] },
    );
    expect(summary.recipientFailures).toBe(1);
    failing.clear();
    const second = await emailScope(deps, { quarter: '2025Q4', scope: 'national', runId: 'r2' });
    expect(second.recipients.map((r) => r.status)).toEqual(['queued', 'already-sent']);
    expect(queued.map((q) => q.sub)).toEqual(['dev-national-analyst', 'dev-national-admin']);
  });

  it('sending failing for one recipient: the others are sent, the failure recorded on its mail, mail-retry sends it', async () => {
    const { store: outbox, items } = memoryOutbox();
    const files = memoryFiles();
    await rendered(files, 'national');
    const { store, queued } = memoryStore();
    await emailScope(
      { files, store, directory: directory() },
      { quarter: '2025Q4', scope: 'national', runId: 'r1' },
    );
    let clock = new Date('2026-01-01T00:00:00Z');
    let sesDown = true;
    const sent: string[] = [];
    const deps = {
      store: outbox,
      now: () => clock,
      send: async (item: MailItem) => {
        if (sesDown && item.to[0] === 'admin@patents.local') throw new Error('SES throttled');
        sent.push(item.to[0]!);
        return { messageId: item.mailId };
      },
    };
    const mails = queued.map((q) => newMailItem(q.message, clock));
    for (const mail of mails) await outbox.put(mail);
    const outcomes = await Promise.all(mails.map((m) => deliverMail(deps, m)));
    expect(outcomes).toEqual(['failed', 'sent']);
    expect(sent).toEqual(['analyst@patents.local']);
    expect(items.get(mails[0]!.mailId)).toMatchObject({
      status: 'failed',
      lastError: 'SES throttled',
      attempts: 1,
    });
    sesDown = false;
    clock = new Date(clock.getTime() + 2 * 60_000);
    expect(await retryDueMail(deps)).toMatchObject({ sent: 1 });
    expect(sent).toEqual(['analyst@patents.local', 'admin@patents.local']);
  });
});

describe('recordRun', () => {
  it('records every scope with its files and recipients, and the failed scopes', async () => {
    const { store, recorded } = memoryStore();
    const summary = await recordRun(
      { store, now },
      {
        quarter: '2025Q4',
        runId: 'arn:run',
        national: {
          quarter: '2025Q4',
          scope: 'national',
          hasData: true,
          generatedAt: 'g',
          recipients: [
            { sub: 'a', status: 'queued', mailId: 'm1' },
            { sub: 'b', status: 'already-sent', mailId: 'm0' },
            { sub: 'c', status: 'no-email' },
          ],
        },
        provinces: [{ scope: '310000', failed: true, error: 'MetricsError' }],
      },
    );
    expect(summary).toMatchObject({
      scopes: 1,
      failedScopes: 1,
      failed: ['310000'],
      queued: 1,
      alreadySent: 1,
      noEmail: 1,
    });
    const input = recorded()!;
    expect(input.records[0]).toMatchObject({
      scope: 'national',
      scopeName: '全国 National',
      sentTo: 2,
      keys: reportKeys('2025Q4', 'national'),
    });
    expect(input.failures).toEqual([{ scope: '310000', failed: true, error: 'MetricsError' }]);
  });
});

describe('report API', () => {
  const record = (quarter: string, scope: string): StoredReport => ({
    quarter,
    scope,
    scopeName: scope,
    hasData: true,
    generatedAt: '2026-01-01T00:00:00.000Z',
    runId: 'r',
    keys: reportKeys(quarter, scope),
    sentTo: 1,
    recipients: [],
  });
  const stored = [record('2025Q4', 'national'), record('2025Q4', '110000'), record('2025Q4', '310000')];
  const listed: Array<string | undefined> = [];
  const reads: ReportReads = {
    async get(quarter, scope) {
      return stored.find((r) => r.quarter === quarter && r.scope === scope);
    },
    async list(scope, limit) {
      listed.push(scope);
      return { items: stored.filter((r) => !scope || r.scope === scope).slice(0, limit) };
    },
    async putPreferences() {},
    async getPreferences() {
      return { reportsOptOut: false };
    },
  };
  const files = memoryFiles();
  files.data.set(
    reportKeys('2025Q4', '110000').figures,
    Buffer.from(JSON.stringify({ quarter: '2025Q4', hasData: true })),
  );

  it('lists every scope for a national admin, only its province for a province admin', async () => {
    expect((await listReports({ reads }, nationalAdmin, { limit: 25 })).items).toHaveLength(3);
    expect((await listReports({ reads }, beijingAdmin, { limit: 25 })).items.map((i) => i.scope)).toEqual([
      '110000',
    ]);
    expect(listed).toEqual([undefined, '110000']);
    await expect(listReports({ reads }, beijingAdmin, { limit: 25, scope: '310000' })).rejects.toThrow(
      NotFoundError,
    );
  });

  it('gets a report with figures and presigned links; another province answers 404', async () => {
    const report = await getReport({ reads, files }, beijingAdmin, '2025Q4', {});
    expect(report).toMatchObject({ scope: '110000', figures: { hasData: true } });
    expect(report.links.xlsx).toBe('https://reports.example/reports/2025Q4/110000.xlsx?signed');
    await expect(getReport({ reads, files }, beijingAdmin, '2025Q4', { scope: '310000' })).rejects.toThrow(
      NotFoundError,
    );
    expect((await getReport({ reads, files }, shanghaiAdmin, '2025Q4', {})).scope).toBe('310000');
    expect((await getReport({ reads, files }, nationalAdmin, '2025Q4', {})).scope).toBe('national');
    await expect(getReport({ reads, files }, nationalAdmin, '2025Q3', {})).rejects.toThrow(
      /POST \/v1\/reports/,
    );
  });

  it('starting a run passes quarter and resend to the workflow', async () => {
    const started: unknown[] = [];
    const result = await runReport(
      {
        startRun: async (input) => {
          started.push(input);
          return { executionArn: 'arn:exec' };
        },
      },
      '2025Q4',
      { resend: true },
    );
    expect(result).toEqual({ quarter: '2025Q4', resend: true, executionArn: 'arn:exec' });
    expect(started).toEqual([{ quarter: '2025Q4', resend: true }]);
  });
});
