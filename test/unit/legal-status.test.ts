/**
 * The legal-status import (issue 13, item 2): the template rows as people type them, the use-case over
 * an in-memory review store that keeps the adapter's version condition and applies the lifecycle table,
 * and whole files through the one intake (ingestTable) with the writer.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ingestTable } from '../../functions/intake/ingest.ts';
import { legalStatusKind, legalStatusWriter } from '../../functions/intake/legal-status-kind.ts';
import { readTableRows } from '../../functions/intake/read-table.ts';
import type { ReviewChange, ReviewedPatent, ReviewStore } from '../../functions/patents/inventory-review.ts';
import { applyLegalStatus } from '../../functions/patents/legal-status.ts';
import { planTransition } from '../../functions/pipeline/transitions.ts';
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import { validateLegalStatusRow } from '../../schemas/market-templates/legal-status.ts';
import type { Caller } from '../../schemas/roles.ts';

const tianjin = '120000';
const today = '2026-12-05';
const at = '2026-12-05T02:00:00.000Z';
const now = () => new Date(at);
const admin: Caller = { sub: 'tj-admin', roles: ['province-admin'], provinceCode: tianjin };
const national: Caller = { sub: 'cn-admin', roles: ['national-admin'], provinceCode: tianjin };
const tj = { provinceCode: tianjin, national: false };

const P1 = withApplicationCheck('202010111111');
const P2 = withApplicationCheck('202110222222');
const P3 = withApplicationCheck('201910333333');
const P_BJ = withApplicationCheck('202010444444');
const P_DRAFT = withApplicationCheck('202310555555');
const P_LAPSED = withApplicationCheck('201810666666');
const P_BASE = withApplicationCheck('202210777777');
const P_UNKNOWN = withApplicationCheck('202410888888');

type Item = ReviewedPatent & Record<string, unknown>;
const patent = (applicationNumber: string, fields: Partial<Item> = {}): Item => ({
  applicationNumber,
  institutionUscc: '12120000MB0000000X',
  provinceCode: tianjin,
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  legalStatus: 'valid',
  conversionIntents: ['license'],
  lifecycle: 'listed',
  version: 3,
  ...fields,
});

/** The review store's conditions: the version read, and the transition allowed from the stored state. */
function memoryStore(items: Item[]) {
  const patents = new Map(items.map((item) => [item.applicationNumber, structuredClone(item)]));
  const changes: Array<{ n: string; change: ReviewChange; caller: string }> = [];
  const store: ReviewStore = {
    async get(n) {
      const item = patents.get(n);
      return item ? structuredClone(item) : undefined;
    },
    async apply(read, change, caller) {
      const item = patents.get(read.applicationNumber);
      if (!item || item.version !== read.version) return false;
      const lifecycle = change.transition
        ? { lifecycle: planTransition(read, change.transition).to, lifecycleEvent: change.transition.event }
        : {};
      Object.assign(item, change.set, lifecycle, { version: item.version + 1 });
      for (const field of change.remove ?? []) delete item[field];
      changes.push({ n: read.applicationNumber, change, caller: caller.sub });
      return true;
    },
  };
  return { store, patents, changes };
}

const record = (applicationNumber: string, legalStatus: string, date = '2026-11-20') =>
  ({ applicationNumber, legalStatus, date }) as Parameters<typeof applyLegalStatus>[3];

describe('legal-status template rows', () => {
  const row = (status: string, date = '2026-11-20', number = P1) =>
    validateLegalStatusRow({ 申请号: number, 法律状态: status, 法律状态公告日: date }, 2, today);

  it.each([
    ['权利终止', 'terminated'],
    ['未缴年费终止', 'terminated'],
    ['未缴年费专利权终止，等恢复', 'terminated'],
    ['未缴年费 终止', 'terminated'],
    ['　权 利 终 止　', 'terminated'],
    ['放弃', 'abandoned'],
    ['无效', 'invalidated'],
    ['全部无效', 'invalidated'],
    ['有效', 'valid'],
    ['授权', 'valid'],
    ['ＶＡＬＩＤ', 'valid'],
    ['期限届满', 'expired'],
  ])('%s reads as %s', (typed, status) => {
    const result = row(typed);
    expect(result.errors).toEqual([]);
    expect(result.record).toEqual({ applicationNumber: P1, legalStatus: status, date: '2026-11-20' });
  });

  it('CNIPA-style headers, ZL prefixes and dates as typed are read', () => {
    const result = validateLegalStatusRow(
      { 专利号: `ZL${P1}`, 当前法律状态: '权利终止', 法律状态日期: '2026年3月5日' },
      7,
      today,
    );
    expect(result.record).toEqual({ applicationNumber: P1, legalStatus: 'terminated', date: '2026-03-05' });
  });

  it('an unknown status, a date in the future, a bad date and a bad number: row, column, reason, what to do', () => {
    const unknown = row('待定');
    expect(unknown.record).toBeUndefined();
    expect(unknown.errors[0]).toMatchObject({
      row: 2,
      column: '法律状态',
      value: '待定',
      code: 'UNKNOWN_STATUS',
    });
    expect(unknown.errors[0]!.messageZh).toContain('请填写以下之一');
    const future = row('权利终止', '2027-01-01');
    expect(future.errors[0]).toMatchObject({ column: '法律状态公告日', code: 'DATE_IN_FUTURE' });
    expect(future.errors[0]!.messageEn).toContain('after today (2026-12-05)');
    expect(row('权利终止', '2026-02-30').errors[0]).toMatchObject({ code: 'INVALID_DATE' });
    expect(row('权利终止', '2026-11-20', '12345').errors[0]).toMatchObject({
      column: '申请号',
      code: 'APPLICATION_NUMBER_INVALID',
    });
    expect(row('', '').errors.map((e) => e.column)).toEqual(['法律状态', '法律状态公告日']);
  });
});

describe('applyLegalStatus: the change the same status makes by upload', () => {
  it('未缴年费终止 on a pool patent is the lapsed exit: versioned, with the pool tombstone, the date and the job', async () => {
    const { store, patents, changes } = memoryStore([patent(P1)]);
    const outcome = await applyLegalStatus({ store, now }, admin, tj, record(P1, 'terminated'), 'job-1');
    expect(outcome).toEqual({ outcome: 'updated', event: 'lapsed' });
    expect(patents.get(P1)).toMatchObject({
      lifecycle: 'lapsed',
      legalStatus: 'terminated',
      legalStatusDate: '2026-11-20',
      legalStatusChangedAt: at,
      poolRemoval: { reason: 'lapsed', at },
      version: 4,
    });
    expect(changes[0]!.change.transition).toMatchObject({
      event: 'lapsed',
      eventId: `lapsed:${P1}`,
      details: {
        legalStatus: { before: 'valid', after: 'terminated' },
        source: 'legal-status-import',
        announcedOn: '2026-11-20',
        jobId: 'job-1',
      },
    });
    // The same row again: nothing changes.
    expect(await applyLegalStatus({ store, now }, admin, tj, record(P1, 'terminated'), 'job-2')).toEqual({
      outcome: 'unchanged',
      reason: 'same-status',
    });
    expect(changes).toHaveLength(1);
  });

  it('届满 is the expired exit; 无效 and 放弃 lapse a licensed patent too', async () => {
    const { store, patents } = memoryStore([
      patent(P1),
      patent(P2, { lifecycle: 'licensed', poolStatus: 'base' }),
      patent(P3, { lifecycle: 'under-evaluation', evaluationStatus: 'open' }),
    ]);
    expect(await applyLegalStatus({ store, now }, admin, tj, record(P1, 'expired'))).toEqual({
      outcome: 'updated',
      event: 'expired',
    });
    expect(patents.get(P1)).toMatchObject({ lifecycle: 'expired', poolRemoval: { reason: 'expired' } });
    expect(await applyLegalStatus({ store, now }, admin, tj, record(P2, 'invalidated'))).toMatchObject({
      event: 'lapsed',
    });
    expect(patents.get(P2)).not.toHaveProperty('poolRemoval');
    expect(await applyLegalStatus({ store, now }, admin, tj, record(P3, 'abandoned'))).toMatchObject({
      event: 'lapsed',
    });
  });

  it('a patent already in that state is unchanged; a final state is not reopened; a withdrawn one records the lapse', async () => {
    const { store, patents, changes } = memoryStore([
      patent(P_LAPSED, { lifecycle: 'lapsed', legalStatus: 'terminated' }),
      patent(P1, { lifecycle: 'withdrawn' }),
    ]);
    expect(await applyLegalStatus({ store, now }, admin, tj, record(P_LAPSED, 'abandoned'))).toEqual({
      outcome: 'unchanged',
      reason: 'already-in-state',
    });
    const reopened = await applyLegalStatus({ store, now }, admin, tj, record(P_LAPSED, 'valid'));
    expect(reopened).toMatchObject({ outcome: 'refused', code: 'PATENT_EXITED', field: 'legalStatus' });
    expect(await applyLegalStatus({ store, now }, admin, tj, record(P1, 'terminated'))).toEqual({
      outcome: 'updated',
    });
    expect(patents.get(P1)).toMatchObject({ lifecycle: 'withdrawn', legalStatus: 'terminated' });
    expect(changes.map((c) => c.change.audit.action)).toEqual(['patent.legal-status-imported']);
  });

  it("a province administrator's row for another province's patent is refused; a national administrator's is applied", async () => {
    const { store, patents } = memoryStore([patent(P_BJ, { provinceCode: '110000' })]);
    const refused = await applyLegalStatus({ store, now }, admin, tj, record(P_BJ, 'terminated'));
    expect(refused).toMatchObject({ outcome: 'refused', code: 'OTHER_PROVINCE', field: 'applicationNumber' });
    expect(patents.get(P_BJ)!.lifecycle).toBe('listed');
    const applied = await applyLegalStatus(
      { store, now },
      national,
      { provinceCode: tianjin, national: true },
      record(P_BJ, 'terminated'),
    );
    expect(applied).toEqual({ outcome: 'updated', event: 'lapsed' });
  });

  it('an unknown number and a status older than the recorded one are refused with what to do', async () => {
    const { store } = memoryStore([
      patent(P1, { legalStatus: 'valid', legalStatusDate: '2026-10-01', lifecycle: 'listed' }),
    ]);
    const unknown = await applyLegalStatus({ store, now }, admin, tj, record(P_UNKNOWN, 'terminated'));
    expect(unknown).toMatchObject({ outcome: 'refused', code: 'UNKNOWN_PATENT' });
    if (unknown.outcome === 'refused') expect(unknown.messageZh).toContain('请核对申请号');
    const older = await applyLegalStatus({ store, now }, admin, tj, record(P1, 'terminated', '2026-09-01'));
    expect(older).toMatchObject({ outcome: 'refused', code: 'OLDER_THAN_RECORDED', field: 'date' });
  });

  it('a draft records the status alone (the approval screens it); a base-pool patent granted now is re-screened', async () => {
    const { store, patents, changes } = memoryStore([
      patent(P_DRAFT, { reviewStatus: 'draft', lifecycle: 'registered', poolStatus: 'base' }),
      patent(P_BASE, { legalStatus: 'pending', lifecycle: 'base-pool', poolStatus: 'base' }),
    ]);
    expect(await applyLegalStatus({ store, now }, admin, tj, record(P_DRAFT, 'terminated'))).toEqual({
      outcome: 'updated',
    });
    expect(patents.get(P_DRAFT)).toMatchObject({ lifecycle: 'registered', legalStatus: 'terminated' });
    expect(changes[0]!.change).not.toHaveProperty('transition');
    expect(changes[0]!.change.audit).toEqual({
      action: 'patent.legal-status-imported',
      context: { source: 'legal-status-import', announcedOn: '2026-11-20' },
    });
    expect(await applyLegalStatus({ store, now }, admin, tj, record(P_BASE, 'valid'))).toEqual({
      outcome: 'updated',
      event: 'rescreened',
    });
    expect(patents.get(P_BASE)).toMatchObject({ lifecycle: 'conversion-pool', poolStatus: 'conversion' });
  });

  it('a patent changed meanwhile is reported, not written over', async () => {
    const { store } = memoryStore([patent(P1)]);
    const racing: ReviewStore = { ...store, apply: async () => false };
    expect(await applyLegalStatus({ store: racing, now }, admin, tj, record(P1, 'terminated'))).toEqual({
      outcome: 'changed-concurrently',
    });
  });
});

describe('legal-status files through the intake', () => {
  const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const csv = (rows: string[][]) => rows.map((r) => r.map(csvField).join(',')).join('\r\n');
  const rowsOf = (text: string) => readTableRows(Readable.from([Buffer.from(text)]));
  const owner = { uscc: '', provinceCode: tianjin };
  const file = csv([
    ['申请号', '法律状态', '法律状态公告日'],
    [P1, '未缴年费终止', '2026-11-20'], // row 2: lapses
    [P2, '全部无效', '2026/11/2'], // row 3: lapses
    [P_LAPSED, '权利终止', '2026-01-01'], // row 4: already so: unchanged
    [P_BJ, '放弃', '2026-11-20'], // row 5: another province
    [P_UNKNOWN, '权利终止', '2026-11-20'], // row 6: not registered
    [P3, '待定', '2026-11-20'], // row 7: unknown status
    [P3, '权利终止', '2027-03-01'], // row 8: date in the future
    [P1, '放弃', '2026-11-21'], // row 9: the same patent again
  ]);

  it('good rows go in, bad rows are reported with row, column, reason; the same file again changes nothing', async () => {
    const { store, patents, changes } = memoryStore([
      patent(P1),
      patent(P2),
      patent(P3),
      patent(P_LAPSED, { lifecycle: 'lapsed', legalStatus: 'terminated' }),
      patent(P_BJ, { provinceCode: '110000' }),
    ]);
    const deps = { kind: legalStatusKind, writer: legalStatusWriter({ store, now }), today };
    const actor = { sub: 'tj-admin', roles: ['province-admin' as const] };
    const first = await ingestTable(deps, owner, actor, rowsOf(file), 'job-1');
    expect(first).toMatchObject({ rowsTotal: 8, rowsAccepted: 2, rowsUnchanged: 1, rowsRejected: 5 });
    expect(first.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [5, '申请号', 'OTHER_PROVINCE'],
      [6, '申请号', 'UNKNOWN_PATENT'],
      [7, '法律状态', 'UNKNOWN_STATUS'],
      [8, '法律状态公告日', 'DATE_IN_FUTURE'],
      [9, '申请号', 'DUPLICATE_IN_FILE'],
    ]);
    for (const error of first.errors) expect(error.messageZh).toMatch(new RegExp(`^第 ${error.row} 行`));
    expect(patents.get(P1)).toMatchObject({ lifecycle: 'lapsed', legalStatus: 'terminated' });
    expect(patents.get(P2)).toMatchObject({ lifecycle: 'lapsed', legalStatus: 'invalidated' });
    expect(patents.get(P_BJ)!.lifecycle).toBe('listed');
    expect(changes.map((c) => [c.n, c.caller])).toEqual([
      [P1, 'tj-admin'],
      [P2, 'tj-admin'],
    ]);

    const again = await ingestTable(deps, owner, actor, rowsOf(file), 'job-2');
    expect(again).toMatchObject({ rowsAccepted: 0, rowsUnchanged: 3, rowsRejected: 5 });
    expect(changes).toHaveLength(2);
  });

  it('a national administrator changes any province’s patents', async () => {
    const { store, patents } = memoryStore([patent(P_BJ, { provinceCode: '110000' })]);
    const deps = { kind: legalStatusKind, writer: legalStatusWriter({ store, now }), today };
    const result = await ingestTable(
      deps,
      owner,
      { sub: 'cn-admin', roles: ['national-admin' as const] },
      rowsOf(
        csv([
          ['申请号', '法律状态', '法律状态公告日'],
          [P_BJ, '放弃', '2026-11-20'],
        ]),
      ),
    );
    expect(result).toMatchObject({ rowsAccepted: 1, rowsRejected: 0 });
    expect(patents.get(P_BJ)!.lifecycle).toBe('lapsed');
  });

  it('an inventory file is not a legal-status file: the header check lists the expected columns', async () => {
    const { store } = memoryStore([]);
    const deps = { kind: legalStatusKind, writer: legalStatusWriter({ store, now }), today };
    await expect(
      ingestTable(
        deps,
        owner,
        { sub: 'tj-admin', roles: ['province-admin' as const] },
        rowsOf(
          csv([
            ['专利名称', '发明人'],
            ['一种电池', '张三'],
          ]),
        ),
      ),
    ).rejects.toMatchObject({ code: 'NO_HEADER' });
  });
});
