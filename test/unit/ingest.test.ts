import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contentHash, ingestTable, type PatentWriter } from '../../functions/intake/ingest.ts';
import { type IngestFileDeps, ingestBatchFile, maxFileBytes } from '../../functions/intake/ingest-file.ts';
import type { StoredJob } from '../../functions/intake/job-store.ts';
import { readTableRows } from '../../functions/intake/read-table.ts';
import { demoInventoryRows, templateHeaders, toCsv } from '../../infra/local/demo-patents.ts';

/** An in-memory writer with the adapter's outcomes: created, unchanged, updated, owned by another. */
function memoryWriter(preexisting: Record<string, { owner: string; hash: string }> = {}) {
  const stored = new Map(Object.entries(preexisting));
  const writer: PatentWriter = {
    async writeBatch(batch, owner) {
      return batch.map((p) => {
        const current = stored.get(p.record.applicationNumber);
        if (!current) {
          stored.set(p.record.applicationNumber, { owner: owner.uscc, hash: p.contentHash });
          return { row: p.row, outcome: 'created' as const };
        }
        if (current.owner !== owner.uscc) return { row: p.row, outcome: 'owned-by-another' as const };
        if (current.hash === p.contentHash) return { row: p.row, outcome: 'unchanged' as const };
        current.hash = p.contentHash;
        return { row: p.row, outcome: 'updated' as const };
      });
    },
  };
  return { writer, stored };
}

const owner = { uscc: '12100000400000624D', provinceCode: '110000' };
const actor = { sub: 'u', roles: ['institution' as const] };
const rowsOf = (csv: string) => readTableRows(Readable.from([Buffer.from(csv)]));

describe('ingestTable', () => {
  it('every row ends stored or reported; a second run of the same file changes nothing', async () => {
    const data = demoInventoryRows(300, { seed: 3 });
    data[17]![templateHeaders.indexOf('技术成熟度')] = '0';
    data.push([...data[5]!]);
    const { writer, stored } = memoryWriter();
    const first = await ingestTable(
      { writer, today: '2026-11-25', batchSize: 7, concurrency: 3 },
      owner,
      actor,
      rowsOf(toCsv(data)),
    );
    expect(first).toMatchObject({ rowsTotal: 301, rowsAccepted: 299, rowsRejected: 2, rowsCreated: 299 });
    expect(first.errors.map((e) => [e.row, e.code])).toEqual([
      [19, 'OUT_OF_RANGE'],
      [302, 'DUPLICATE_IN_FILE'],
    ]);
    expect(first.rowsAccepted + first.rowsRejected + first.rowsUnchanged).toBe(first.rowsTotal);
    expect(stored.size).toBe(299);
    const second = await ingestTable({ writer, today: '2026-11-25' }, owner, actor, rowsOf(toCsv(data)));
    expect(second).toMatchObject({ rowsAccepted: 0, rowsUnchanged: 299, rowsRejected: 2 });
  });

  it("a department user's rows for another department are refused with row, column and what to do; its own go in", async () => {
    const data = demoInventoryRows(4, { seed: 31 });
    const department = templateHeaders.indexOf('所属院系');
    data.forEach((cells, i) => {
      cells[department] = i === 2 ? '化学学院' : '材料学院';
    });
    const { writer, stored } = memoryWriter();
    const result = await ingestTable(
      { writer, today: '2026-11-25' },
      owner,
      { ...actor, department: '材料学院' },
      rowsOf(toCsv(data)),
    );
    expect(result).toMatchObject({ rowsTotal: 4, rowsCreated: 3, rowsRejected: 1 });
    expect(result.errors).toEqual([
      expect.objectContaining({ row: 4, column: '所属院系', value: '化学学院', code: 'OTHER_DEPARTMENT' }),
    ]);
    expect(result.errors[0]!.messageEn).toContain('ask an institution-level account');
    expect(stored.has(data[2]![0]!)).toBe(false);
    // An institution-level account registers any department's rows.
    const all = await ingestTable({ writer, today: '2026-11-25' }, owner, actor, rowsOf(toCsv(data)));
    expect(all).toMatchObject({ rowsCreated: 1, rowsUnchanged: 3, rowsRejected: 0 });
  });

  it('reports progress while it runs, with running totals', async () => {
    const seen: number[] = [];
    await ingestTable(
      {
        writer: memoryWriter().writer,
        today: '2026-11-25',
        batchSize: 10,
        progressEveryMs: 0,
        onProgress: async (c) => void seen.push(c.rowsTotal),
      },
      owner,
      actor,
      rowsOf(toCsv(demoInventoryRows(50, { seed: 4 }))),
    );
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(50);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('a progress update that fails does not stop the intake', async () => {
    const result = await ingestTable(
      {
        writer: memoryWriter().writer,
        today: '2026-11-25',
        progressEveryMs: 0,
        onProgress: async () => Promise.reject(new Error('throttled')),
      },
      owner,
      actor,
      rowsOf(toCsv(demoInventoryRows(20, { seed: 5 }))),
    );
    expect(result.rowsAccepted).toBe(20);
  });

  it('the content hash ignores key order and undefined fields', () => {
    const a = { title: 'x', trl: 3, inventors: ['a'] } as never;
    const b = { inventors: ['a'], trl: 3, title: 'x', feeStandard: undefined } as never;
    expect(contentHash(a)).toBe(contentHash(b));
  });
});

describe('ingestBatchFile', () => {
  const job = (overrides: Partial<StoredJob> = {}): StoredJob => ({
    jobId: 'j1',
    institutionUscc: owner.uscc,
    bucket: 'drop',
    key: 'inbox/x/y.csv',
    fileName: 'y.csv',
    sizeBytes: 100,
    status: 'running',
    createdAt: '2026-11-25T00:00:00Z',
    ...overrides,
  });
  const deps = (stored: StoredJob | undefined, registered = true) => {
    const failures: unknown[] = [];
    const d: IngestFileDeps = {
      jobs: {
        claim: async () => stored,
        fail: async (_id, failure) => {
          failures.push(failure);
          return true;
        },
        succeed: async () => true,
        progress: async () => undefined,
        noteProfile: async () => undefined,
        get: async () => stored,
        createIfAbsent: async () => true,
        attachObject: async () => 'absent',
      },
      patents: memoryWriter().writer,
      institutions: {
        get: async () => (registered ? ({ uscc: owner.uscc, provinceCode: '110000' } as never) : undefined),
      },
      openObject: async () => Readable.from([Buffer.from(toCsv(demoInventoryRows(3)))]),
      errorReports: {
        put: async () => undefined,
        startMultipart: async () => {
          throw new Error('no multipart report expected');
        },
      },
      now: () => new Date('2026-11-25T00:00:00Z'),
    };
    return { d, failures };
  };

  it('streams every error row to the report, and the job keeps exact counts and the first errors', async () => {
    const { d } = deps(job());
    let succeeded: unknown[] = [];
    d.jobs.succeed = async (...args) => {
      succeeded = args;
      return true;
    };
    const parts: Buffer[] = [];
    let object: Buffer | undefined;
    d.errorReports = {
      put: async () => {
        throw new Error('a report of many parts is not one PutObject');
      },
      startMultipart: async () => ({
        uploadPart: async (n, body) => {
          parts.push(body);
          return `e${n}`;
        },
        complete: async () => {
          object = Buffer.concat(parts);
        },
        abort: async () => undefined,
      }),
    };
    d.reportPartBytes = 16 * 1024;
    const data = demoInventoryRows(500, { seed: 8 });
    for (const row of data) row[templateHeaders.indexOf('技术成熟度')] = '12';
    d.openObject = async () => Readable.from([Buffer.from(toCsv(data))]);
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({ status: 'succeeded', rowsRejected: 500 });
    const [, , report] = succeeded as [string, unknown, Record<string, unknown>];
    expect(report).toMatchObject({ key: 'errors/j1.csv', errorCount: 500 });
    expect((report.firstErrors as Array<{ row: number }>).map((e) => e.row)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 2),
    );
    expect(parts.length).toBeGreaterThan(3);
    const text = object!.toString('utf8');
    expect(text.split('\r\n').filter((l) => l.includes('错误 error'))).toHaveLength(500);
  });

  it('every converted value is a warning on its row; the report lists a bounded number, the job counts them all', async () => {
    const { d } = deps(job());
    let succeeded: unknown[] = [];
    d.jobs.succeed = async (...args) => {
      succeeded = args;
      return true;
    };
    let object = '';
    d.errorReports = {
      put: async (_key, body) => {
        object = body.toString('utf8');
      },
      startMultipart: async () => {
        throw new Error('a small report is one PutObject');
      },
    };
    d.maxReportedWarnings = 100;
    const data = demoInventoryRows(300, { seed: 9 });
    for (const row of data) row[templateHeaders.indexOf('技术成熟度')] = '七级';
    d.openObject = async () => Readable.from([Buffer.from(toCsv(data))]);
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({
      status: 'succeeded',
      rowsAccepted: 300,
      rowsRejected: 0,
    });
    const [, , report, warnings] = succeeded as [string, unknown, Record<string, unknown>, string[]];
    expect(report).toMatchObject({ key: 'errors/j1.csv', errorCount: 0, warningCount: 300 });
    expect(warnings.join('\n')).toContain('300 warning(s): see the error report');
    expect(warnings.join('\n')).toContain('it lists the first 100');
    const lines = object.split('\r\n').filter((line) => line.includes('提示 warning'));
    expect(lines.filter((line) => line.includes('VALUE_CONVERTED'))).toHaveLength(100);
    expect(lines[0]).toMatch(/^2,技术成熟度,七级,提示 warning,VALUE_CONVERTED,.*已按「7」保存/);
    expect(lines.at(-1)).toContain('WARNINGS_NOT_LISTED');
    expect(lines.at(-1)).toContain('200 more warning(s) not listed');
  });

  it('a file over the size limit fails, naming the limit, and nothing is read', async () => {
    const { d, failures } = deps(job({ sizeBytes: maxFileBytes + 1 }));
    d.openObject = async () => {
      throw new Error('must not be read');
    };
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({
      status: 'failed',
      code: 'FILE_TOO_LARGE',
    });
    expect(failures[0]).toMatchObject({ messageEn: expect.stringContaining('limit of 100.0 MB') });
  });

  it('an unregistered institution fails with what to do', async () => {
    const { d, failures } = deps(job(), false);
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({
      status: 'failed',
      code: 'INSTITUTION_NOT_REGISTERED',
    });
    expect(failures[0]).toMatchObject({
      messageEn: expect.stringContaining('ask your province administrator'),
    });
  });

  it('dispatches on the kind: an enterprises job is read with the enterprise template, for its province, as its uploader', async () => {
    const { d } = deps(
      job({
        kind: 'enterprises',
        institutionUscc: undefined,
        provinceCode: '440000',
        uploadedBy: { sub: 'gd-admin', roles: ['province-admin'] },
      }),
    );
    const seen: Array<{ uscc: string; province: string; actor: string }> = [];
    d.enterprises = {
      async writeBatch(batch, owner, actor) {
        for (const p of batch)
          seen.push({ uscc: p.record.uscc, province: owner.provinceCode, actor: actor.sub });
        return batch.map((p) => ({ row: p.row, outcome: 'created' as const }));
      },
    };
    d.patents = {
      writeBatch: async () => {
        throw new Error('not an inventory');
      },
    };
    const uscc = '91440300MA5F1BQQ5D';
    d.openObject = async () =>
      Readable.from([
        Buffer.from(
          `统一社会信用代码,企业名称,所在省份,企业类型,关注的IPC分类,联系人\n${uscc},示范有限公司,广东,高新技术企业,H01M,李\n${uscc.slice(0, 17)}X,外省有限公司,北京,其他,H01M,张\n`,
        ),
      ]);
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({
      status: 'succeeded',
      rowsTotal: 2,
      rowsAccepted: 1,
      rowsRejected: 1,
    });
    expect(seen).toEqual([{ uscc, province: '440000', actor: 'gd-admin' }]);
  });

  it('a province job without a province (or with an unknown one) fails with what to do', async () => {
    const { d, failures } = deps(
      job({ kind: 'evaluations', institutionUscc: undefined, provinceCode: '999999' }),
    );
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({
      status: 'failed',
      code: 'UNKNOWN_PROVINCE',
    });
    expect(failures[0]).toMatchObject({
      messageEn: expect.stringContaining('inbox-evaluations/<province code>/'),
    });
  });

  it('a job already taken or done is skipped (a duplicate start changes nothing)', async () => {
    const { d } = deps(undefined);
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({ status: 'skipped' });
  });

  it('a job failed meanwhile (the workflow timed the task out) is not turned into a success', async () => {
    const { d } = deps(job());
    let endedAs: { executionId: string } | undefined;
    d.jobs.succeed = async (_id, _counts, _report, _warnings, _at, end) => {
      endedAs = end;
      return false;
    };
    expect(await ingestBatchFile(d, 'j1', 'exec-7')).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('ended by another run'),
    });
    expect(endedAs?.executionId).toBe('exec-7');
  });

  it("rows left out: the institution's contact gets one email in the job's final write, naming rows and reasons", async () => {
    const { d } = deps(job());
    d.institutions = {
      get: async () =>
        ({
          uscc: owner.uscc,
          provinceCode: '110000',
          name: '测试大学',
          contactEmail: 'tto@example.edu.cn',
        }) as never,
    };
    const data = demoInventoryRows(30, { seed: 3 });
    for (const row of data.slice(0, 12)) row[templateHeaders.indexOf('技术成熟度')] = '12';
    d.openObject = async () => Readable.from([Buffer.from(toCsv(data))]);
    let mail: { mailId: string; to: string[]; subject: string; text: string } | undefined;
    d.jobs.succeed = async (_id, _counts, _report, _warnings, _at, end) => {
      mail = end.mail;
      return true;
    };
    expect(await ingestBatchFile(d, 'j1', 'exec')).toMatchObject({ status: 'succeeded', rowsRejected: 12 });
    expect(mail).toMatchObject({ mailId: 'job-j1', to: ['tto@example.edu.cn'] });
    expect(mail?.subject).toContain('12');
    expect(mail?.text).toContain('行 Row | 列 Column | 原因 Why');
    expect(mail?.text).toContain('- 2 | 技术成熟度 | ');
    expect(mail?.text).toContain('2 more error(s) in the report');
    expect(mail?.text).toContain('GET /v1/jobs/j1');
  });

  it('a clean job sends nothing; a failed one tells why; no contact, no email', async () => {
    const withContact = {
      uscc: owner.uscc,
      provinceCode: '110000',
      name: '测试大学',
      contactEmail: 'tto@example.edu.cn',
    };
    const clean = deps(job());
    clean.d.institutions = { get: async () => withContact as never };
    let cleanMail: unknown = 'unset';
    clean.d.jobs.succeed = async (_id, _counts, _report, _warnings, _at, end) => {
      cleanMail = end.mail;
      return true;
    };
    expect(await ingestBatchFile(clean.d, 'j1', 'exec')).toMatchObject({
      status: 'succeeded',
      rowsRejected: 0,
    });
    expect(cleanMail).toBeUndefined();

    const tooLarge = deps(job({ sizeBytes: maxFileBytes + 1 }));
    tooLarge.d.institutions = { get: async () => withContact as never };
    const mails: unknown[] = [];
    tooLarge.d.jobs.fail = async (_id, _failure, _at, mail) => {
      mails.push(mail);
      return true;
    };
    await ingestBatchFile(tooLarge.d, 'j1', 'exec');
    expect(mails[0]).toMatchObject({
      mailId: 'job-j1',
      text: expect.stringContaining('split it into several files'),
    });

    const noContact = deps(job({ sizeBytes: maxFileBytes + 1 }));
    const none: unknown[] = [];
    noContact.d.jobs.fail = async (_id, _failure, _at, mail) => {
      none.push(mail);
      return true;
    };
    await ingestBatchFile(noContact.d, 'j1', 'exec');
    expect(none).toEqual([undefined]);
  });
});
