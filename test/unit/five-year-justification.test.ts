import { describe, expect, it } from 'vitest';
import { isFundedUnimplemented, projectPatent } from '../../functions/metrics/counters.ts';
import { fundedEntry } from '../../functions/metrics/stream-apply.ts';
import {
  fileFiveYearJustification,
  reviewFiveYearJustification,
} from '../../functions/monitoring/five-year-justification.ts';
import { justificationReviewMail } from '../../functions/monitoring/justification-mail.ts';
import type { ReviewChange, ReviewedPatent, ReviewStore } from '../../functions/patents/inventory-review.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../functions/shared/errors.ts';
import type { Caller } from '../../schemas/roles.ts';

const uscc = '12100000400000624D';
const n = '201510123456.1';
const at = '2026-12-05T02:00:00.000Z';
const now = () => new Date(at);
const institution: Caller = { sub: 'i', roles: ['institution'], orgUscc: uscc };
const chemistry: Caller = { ...institution, sub: 'sub-chemistry-7f3a', department: '化学学院' };
const physics: Caller = { ...institution, sub: 'p', department: '物理学院' };
const padmin: Caller = { sub: 'a', roles: ['province-admin'], provinceCode: '110000' };
const otherAdmin: Caller = { sub: 'b', roles: ['province-admin'], provinceCode: '650000' };
const nadmin: Caller = { sub: 'n', roles: ['national-admin'] };

/** A patent on the 5-year list: publicly funded, valid, granted 2019-05-04, not implemented. */
function memoryStore(patent: Record<string, unknown> = {}) {
  const item: Record<string, unknown> = {
    applicationNumber: n,
    institutionUscc: uscc,
    provinceCode: '110000',
    reviewStatus: 'approved',
    poolStatus: 'conversion',
    legalStatus: 'valid',
    conversionIntents: ['license'],
    lifecycle: 'listed',
    publiclyFunded: true,
    grantDate: '2019-05-04',
    implementationStatus: 'not-implemented',
    department: '化学学院',
    version: 3,
    ...patent,
  };
  const changes: ReviewChange[] = [];
  const store: ReviewStore = {
    async get(number) {
      return number === n ? ({ ...item } as unknown as ReviewedPatent) : undefined;
    },
    async apply(read, change) {
      if (read.version !== item.version) return false;
      Object.assign(item, change.set, { version: Number(item.version) + 1 });
      changes.push(change);
      return true;
    },
  };
  const contacts: Record<string, { name: string; contactEmail?: string }> = {
    [uscc]: { name: '北方理工大学', contactEmail: 'kjc@north.example.edu.cn' },
  };
  const deps = {
    store,
    now,
    institution: async (code: string) => contacts[code],
    mail: justificationReviewMail,
  };
  return { deps, item, changes, contacts };
}
const reason = '药品注册审批中，预计 2027 年取得批件后实施';

describe('filing a justification (正当理由)', () => {
  it('the owning institution (or its department) files it; the audit action names it', async () => {
    const { deps, item, changes } = memoryStore();
    const filed = await fileFiveYearJustification(deps, chemistry, n, {
      reason,
      evidence: '受理号 CXHL2400001',
    });
    expect(filed).toMatchObject({
      applicationNumber: n,
      version: 4,
      fiveYearJustification: { status: 'filed', reason, evidence: '受理号 CXHL2400001', filedAt: at },
    });
    // The organization and role, never the account's sub.
    expect(filed.fiveYearJustification.filedBy).toContain(uscc);
    expect(filed.fiveYearJustification.filedBy).not.toContain(chemistry.sub);
    expect(changes.map((c) => c.audit.action)).toEqual(['patent.fiveYearJustificationFiled']);
    expect(item.fiveYearJustification).toEqual(filed.fiveYearJustification);
  });

  it('another institution, another department or a patent that does not exist: 404, nothing written', async () => {
    const { deps, changes } = memoryStore();
    for (const caller of [{ ...institution, orgUscc: '12100000400000625B' }, physics, padmin])
      await expect(fileFiveYearJustification(deps, caller, n, { reason })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    await expect(
      fileFiveYearJustification(deps, institution, '202010000000.1', { reason }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(changes).toEqual([]);
  });

  it('only a patent on the list today: granted under 5 years, implemented, not funded, lapsed are 409', async () => {
    for (const patent of [
      { grantDate: '2021-12-06' },
      { implementationStatus: 'licensed' },
      { publiclyFunded: false },
      { legalStatus: 'terminated' },
      { lifecycle: 'withdrawn' },
    ]) {
      const { deps, changes } = memoryStore(patent);
      await expect(
        fileFiveYearJustification(deps, institution, n, { reason }),
        JSON.stringify(patent),
      ).rejects.toThrow(/not on the 5-year-rule list/);
      expect(changes).toEqual([]);
    }
    // Exactly 5 years (China date 2026-12-05): listed.
    const { deps } = memoryStore({ grantDate: '2021-12-05' });
    await expect(fileFiveYearJustification(deps, institution, n, { reason })).resolves.toBeDefined();
  });

  it('a stale expectedVersion is 409; an accepted justification stands (409); a rejected one is filed again', async () => {
    const { deps } = memoryStore();
    await expect(
      fileFiveYearJustification(deps, institution, n, { reason, expectedVersion: 2 }),
    ).rejects.toBeInstanceOf(ConflictError);
    await fileFiveYearJustification(deps, institution, n, { reason });
    await reviewFiveYearJustification(deps, padmin, n, { decision: 'rejected', comment: '请提供受理通知书' });
    const again = await fileFiveYearJustification(deps, institution, n, {
      reason: `${reason}（附受理通知书）`,
    });
    expect(again.fiveYearJustification.status).toBe('filed');
    expect(again.fiveYearJustification.reviewComment).toBeUndefined();
    await reviewFiveYearJustification(deps, nadmin, n, { decision: 'accepted' });
    await expect(fileFiveYearJustification(deps, institution, n, { reason })).rejects.toThrow(/accepted/);
  });
});

describe('reviewing a justification', () => {
  it('the province accepts: the patent leaves the watch list and the figure', async () => {
    const { deps, item, changes } = memoryStore();
    await fileFiveYearJustification(deps, institution, n, { reason });
    expect(fundedEntry(projectPatent(item), {})).toMatchObject({ justificationStatus: 'filed' });
    expect(isFundedUnimplemented(projectPatent(item))).toBe(true);
    const accepted = await reviewFiveYearJustification(deps, padmin, n, {
      decision: 'accepted',
      comment: '属实',
    });
    expect(accepted.fiveYearJustification).toMatchObject({
      status: 'accepted',
      reason,
      reviewedAt: at,
      reviewComment: '属实',
    });
    expect(changes.map((c) => c.audit.action)).toEqual([
      'patent.fiveYearJustificationFiled',
      'patent.fiveYearJustificationAccepted',
    ]);
    expect(isFundedUnimplemented(projectPatent(item))).toBe(false);
    expect(fundedEntry(projectPatent(item), {})).toBeUndefined();
  });

  it('a rejection stays on the list, marked rejected', async () => {
    const { deps, item } = memoryStore();
    await fileFiveYearJustification(deps, institution, n, { reason });
    await reviewFiveYearJustification(deps, padmin, n, { decision: 'rejected', comment: '理由不充分' });
    expect(fundedEntry(projectPatent(item), {})).toMatchObject({ justificationStatus: 'rejected' });
  });

  it('another province 404, an institution 403, nothing filed or already decided 409', async () => {
    const { deps, changes } = memoryStore();
    await expect(reviewFiveYearJustification(deps, padmin, n, { decision: 'accepted' })).rejects.toThrow(
      /No justification of .* awaits review/,
    );
    await fileFiveYearJustification(deps, institution, n, { reason });
    await expect(
      reviewFiveYearJustification(deps, otherAdmin, n, { decision: 'accepted' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      reviewFiveYearJustification(deps, institution, n, { decision: 'accepted' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await reviewFiveYearJustification(deps, padmin, n, { decision: 'accepted' });
    await expect(
      reviewFiveYearJustification(deps, padmin, n, { decision: 'rejected', comment: 'x' }),
    ).rejects.toThrow(/accepted already/);
    expect(changes).toHaveLength(2);
  });

  it('a concurrent change between read and write is a 409, not a silent overwrite', async () => {
    const { deps, item } = memoryStore();
    await fileFiveYearJustification(deps, institution, n, { reason });
    const racing = {
      ...deps,
      store: {
        ...deps.store,
        async get(number: string) {
          const read = await deps.store.get(number);
          item.version = Number(item.version) + 1; // someone else writes after our read
          return read;
        },
      },
    };
    await expect(reviewFiveYearJustification(racing, padmin, n, { decision: 'accepted' })).rejects.toThrow(
      /changed by someone else/,
    );
    expect((item.fiveYearJustification as { status: string }).status).toBe('filed');
  });
});

describe('the email of a review (to the institution, through the outbox)', () => {
  it('a rejection: queued with the change, to the contact, with the comment and what to do next', async () => {
    const { deps, item, changes } = memoryStore({ title: '一种节水灌溉阀' });
    await fileFiveYearJustification(deps, institution, n, { reason });
    const rejected = await reviewFiveYearJustification(deps, padmin, n, {
      decision: 'rejected',
      comment: '请提供药品注册受理通知书',
    });
    const mail = changes[1]!.mail!;
    expect(mail).toMatchObject({ to: ['kjc@north.example.edu.cn'], status: 'queued', attachments: [] });
    expect(rejected.fiveYearJustification.mailId).toBe(mail.mailId);
    expect((item.fiveYearJustification as { mailId: string }).mailId).toBe(mail.mailId);
    expect(mail.subject).toContain('未认可');
    expect(mail.subject).toContain('rejected');
    for (const text of [mail.text, mail.html!]) {
      expect(text).toContain('请提供药品注册受理通知书');
      expect(text).toContain(reason);
      expect(text).toContain('一种节水灌溉阀');
      expect(text).toContain('file the justification again');
      expect(text).toContain(`/v1/monitoring/unimplemented-funded/${n}/justification`);
    }
    // The filing itself queues nothing.
    expect(changes[0]!.mail).toBeUndefined();
  });

  it('an acceptance says the patent is off the list and nothing more is needed', async () => {
    const { deps, changes } = memoryStore();
    await fileFiveYearJustification(deps, institution, n, { reason });
    await reviewFiveYearJustification(deps, nadmin, n, { decision: 'accepted', comment: '属实' });
    const mail = changes[1]!.mail!;
    expect(mail.subject).toContain('已认可');
    expect(mail.text).toContain('off the 5-year-rule list: nothing more to do');
    expect(mail.text).toContain('属实');
    expect(mail.html).toContain('移出');
  });

  it('no contact email: the review is saved, the justification says why no email went out', async () => {
    const { deps, changes, contacts } = memoryStore();
    contacts[uscc] = { name: '北方理工大学' };
    await fileFiveYearJustification(deps, institution, n, { reason });
    const accepted = await reviewFiveYearJustification(deps, padmin, n, { decision: 'accepted' });
    expect(changes[1]!.mail).toBeUndefined();
    expect(accepted.fiveYearJustification).toMatchObject({
      status: 'accepted',
      mailSkipped: 'no-contact-email',
    });
    expect(accepted.fiveYearJustification.mailId).toBeUndefined();
  });

  it('a filing after a rejection drops the old email reference', async () => {
    const { deps } = memoryStore();
    await fileFiveYearJustification(deps, institution, n, { reason });
    await reviewFiveYearJustification(deps, padmin, n, { decision: 'rejected', comment: '理由不充分' });
    const again = await fileFiveYearJustification(deps, institution, n, { reason: `${reason}（补充材料）` });
    expect(again.fiveYearJustification.mailId).toBeUndefined();
    expect(again.fiveYearJustification.status).toBe('filed');
  });
});
