import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  answerCorrection,
  assignSpotChecks,
  CorrectionRefusedError,
  correctionOverdue,
  decideSpotCheck,
  type FundedListStore,
  fiveYearsBefore,
  listSpotChecks,
  listUnimplementedFunded,
  type MonitoredInstitution,
  parseSpotCheckId,
  pickSample,
  type SpotCheckStore,
  sampleKeyId,
  sampleKeyPurpose,
  sampleSize,
  spotCheckId,
} from '../../functions/monitoring/monitoring.ts';
import { spotCheckMail } from '../../functions/monitoring/spot-check-mail.ts';
import { derivedKey } from '../../functions/shared/cursor.ts';
import { NotFoundError, ValidationError } from '../../functions/shared/errors.ts';
import type { Quarter } from '../../schemas/metrics.ts';
import {
  defaultSpotCheckSample,
  type SpotCheck,
  spotCheckVerdictSchema,
  stratumOf,
} from '../../schemas/monitoring.ts';
import type { Caller } from '../../schemas/roles.ts';

const A = '12100000400000624D';
const B = '12310000425006117A';
const sampleKey = Buffer.alloc(32, 1);
const numbers = Array.from({ length: 120 }, (_, i) => `2020${String(10000000 + i)}.${i % 10}`);

class MemoryStore implements SpotCheckStore {
  checks = new Map<string, SpotCheck>();
  samples = new Set<string>();
  mails: Array<{ to: string[]; subject: string; text: string }> = [];
  institutionsList: MonitoredInstitution[] = [
    { uscc: A, name: '清华大学', provinceCode: '110000', contactEmail: 'kjc@example.edu.cn' },
    { uscc: B, name: '复旦大学', provinceCode: '310000' },
  ];
  async institutions(provinceCode: string) {
    return this.institutionsList.filter((i) => i.provinceCode === provinceCode);
  }
  async institution(uscc: string) {
    return this.institutionsList.find((i) => i.uscc === uscc);
  }
  async inventoried(uscc: string) {
    return (uscc === A ? numbers : numbers.slice(0, 3)).map((applicationNumber) => ({ applicationNumber }));
  }
  async sampleSettings(uscc: string) {
    return uscc === B ? { rate: 1, min: 1, max: 2 } : undefined;
  }
  async saveSampleSettings() {}
  drawn = new Map<string, unknown>();
  async assign(
    quarter: Quarter,
    institution: MonitoredInstitution,
    checks: SpotCheck[],
    _population: number,
    _at: string,
    drawn?: unknown,
  ) {
    const key = `${quarter}|${institution.uscc}`;
    if (this.samples.has(key)) return 'exists' as const;
    this.samples.add(key);
    this.drawn.set(key, drawn);
    for (const check of checks) this.checks.set(check.id, check);
    return 'created' as const;
  }
  async list(quarter: Quarter, provinceCode: string, filter: { institution?: string; status?: string }) {
    const items = [...this.checks.values()].filter(
      (c) =>
        c.quarter === quarter &&
        c.provinceCode === provinceCode &&
        (!filter.institution || c.institutionUscc === filter.institution) &&
        (!filter.status || c.status === filter.status),
    );
    return { items };
  }
  async get(id: NonNullable<ReturnType<typeof parseSpotCheckId>>) {
    return this.checks.get(spotCheckId(id));
  }
  audits: Array<{ action: string; at: string } | undefined> = [];
  async decide(
    before: SpotCheck,
    after: SpotCheck,
    _caller: Caller,
    mail?: { to: string[]; subject: string; text: string },
    audit?: { action: string; at: string },
  ) {
    if (this.checks.get(before.id)?.version !== before.version) return 'conflict' as const;
    this.audits.push(audit);
    this.checks.set(after.id, after);
    if (mail) this.mails.push(mail);
    return 'saved' as const;
  }
}

const institutionOf = (uscc: string): Caller => ({
  sub: `inst-${uscc}`,
  roles: ['institution'],
  orgUscc: uscc,
});
const beijing: Caller = { sub: 'admin-bj', roles: ['province-admin'], provinceCode: '110000' };
const shanghai: Caller = { sub: 'admin-sh', roles: ['province-admin'], provinceCode: '310000' };
const national: Caller = { sub: 'nat', roles: ['national-admin'] };
const now = () => new Date('2025-10-01T01:30:00+08:00');

describe('spot-check samples', () => {
  it('size: 2% of the inventoried, at least 1, at most 20, never more than there are', () => {
    expect(sampleSize(0, defaultSpotCheckSample)).toBe(0);
    expect(sampleSize(3, defaultSpotCheckSample)).toBe(1);
    expect(sampleSize(120, defaultSpotCheckSample)).toBe(3);
    expect(sampleSize(30_000, defaultSpotCheckSample)).toBe(20);
    expect(sampleSize(2, { rate: 1, min: 5, max: 10 })).toBe(2);
  });

  it('reproducible per key, quarter and institution, independent of order, nested as it grows', () => {
    const first = pickSample(sampleKey, '2025Q4', A, numbers, 5);
    expect(pickSample(Buffer.from(sampleKey), '2025Q4', A, [...numbers].reverse(), 5)).toEqual(first);
    expect(pickSample(sampleKey, '2025Q4', A, numbers, 8).slice(0, 5)).toEqual(first);
    expect(pickSample(sampleKey, '2026Q1', A, numbers, 5)).not.toEqual(first);
    expect(pickSample(sampleKey, '2025Q4', B, numbers, 5)).not.toEqual(first);
  });

  it('unpredictable without the server-side key: public values alone do not give the sample', () => {
    const first = pickSample(sampleKey, '2025Q4', A, numbers, 5);
    // The old public seed: sha256(quarter#uscc#number).
    const publicRank = (n: string) => createHash('sha256').update(`2025Q4#${A}#${n}`).digest('hex');
    const predicted = [...numbers].sort((a, b) => (publicRank(a) < publicRank(b) ? -1 : 1)).slice(0, 5);
    expect(first).not.toEqual(predicted);
    expect(pickSample(Buffer.alloc(32, 7), '2025Q4', A, numbers, 5)).not.toEqual(first);
    expect(sampleKeyId(sampleKey)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('the sample key is derived from the server-side secret, per purpose', async () => {
    const env = { CURSOR_SIGNING_KEY: 'k'.repeat(40) };
    const key = await derivedKey(sampleKeyPurpose, env);
    expect(key).toHaveLength(32);
    expect(await derivedKey(sampleKeyPurpose, env)).toEqual(key);
    expect(await derivedKey('another-purpose', env)).not.toEqual(key);
  });

  it('strata by institution size: a sample each, small ones checked at all, large ones bounded', () => {
    expect(stratumOf(3).id).toBe('small');
    expect(sampleSize(3, stratumOf(3).sample)).toBe(2);
    expect(sampleSize(80, stratumOf(80).sample)).toBe(4);
    expect(stratumOf(120).id).toBe('medium');
    expect(sampleSize(120, stratumOf(120).sample)).toBe(5);
    expect(stratumOf(1000).id).toBe('large');
    expect(sampleSize(30_000, stratumOf(30_000).sample)).toBe(40);
  });

  it('the job samples each institution once per quarter (its own settings first, else its stratum)', async () => {
    const store = new MemoryStore();
    const deps = { store, now, sampleKey, provinces: ['110000', '310000'] };
    // A: 120 inventoried, medium stratum, 5; B: its own settings, 2.
    expect(await assignSpotChecks(deps, '2025Q4')).toMatchObject({
      institutions: 2,
      sampled: 2,
      checks: 7,
      keyId: sampleKeyId(sampleKey),
      byStratum: { small: { institutions: 1, checks: 2 }, medium: { institutions: 1, checks: 5 } },
    });
    expect(store.drawn.get(`2025Q4|${A}`)).toEqual({ stratum: 'medium', keyId: sampleKeyId(sampleKey) });
    expect(await assignSpotChecks(deps, '2025Q4')).toMatchObject({
      sampled: 0,
      alreadySampled: 2,
      checks: 0,
    });
    expect([...store.checks.values()].filter((c) => c.institutionUscc === B)).toHaveLength(2);
    const id = [...store.checks.keys()][0]!;
    expect(parseSpotCheckId(id)).toMatchObject({
      quarter: '2025Q4',
      provinceCode: '110000',
      institutionUscc: A,
    });
  });
});

describe('spot-check listing and verdicts', () => {
  async function prepared() {
    const store = new MemoryStore();
    await assignSpotChecks({ store, now, sampleKey, provinces: ['110000', '310000'] }, '2025Q4');
    return store;
  }

  it('a province admin lists its own province; another province is 404; national admins name one', async () => {
    const store = await prepared();
    const page = await listSpotChecks(store, beijing, { quarter: '2025Q4', limit: 25 } as never);
    expect(page.items).toHaveLength(5);
    await expect(
      listSpotChecks(store, beijing, { quarter: '2025Q4', province: '310000', limit: 25 } as never),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      listSpotChecks(store, national, { quarter: '2025Q4', limit: 25 } as never),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(
      (await listSpotChecks(store, national, { quarter: '2025Q4', province: '310000', limit: 25 } as never))
        .items,
    ).toHaveLength(2);
  });

  it('needs-correction sends the comment to the institution once; ok sends nothing; another province is 404', async () => {
    const store = await prepared();
    const check = [...store.checks.values()].find((c) => c.institutionUscc === A)!;
    const decided = await decideSpotCheck({ store, now, mail: spotCheckMail }, beijing, check.id, {
      verdict: 'needs-correction',
      comment: '发明人与证书不一致',
    });
    expect(decided).toMatchObject({
      status: 'needs-correction',
      comment: '发明人与证书不一致',
      version: 2,
      reviewedBy: '省 110000 / province 110000（省级知识产权局 province admin）',
    });
    expect(store.mails).toHaveLength(1);
    expect(store.mails[0]!.to).toEqual(['kjc@example.edu.cn']);
    expect(store.mails[0]!.text).toContain('发明人与证书不一致');
    // The same verdict again changes nothing and sends nothing.
    await decideSpotCheck({ store, now, mail: spotCheckMail }, beijing, check.id, {
      verdict: 'needs-correction',
      comment: '发明人与证书不一致',
    });
    expect(store.mails).toHaveLength(1);
    expect(
      (await decideSpotCheck({ store, now, mail: spotCheckMail }, beijing, check.id, { verdict: 'ok' }))
        .status,
    ).toBe('ok');
    expect(store.mails).toHaveLength(1);
    await expect(
      decideSpotCheck({ store, now, mail: spotCheckMail }, shanghai, check.id, { verdict: 'ok' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      decideSpotCheck({ store, now, mail: spotCheckMail }, beijing, 'nonsense', { verdict: 'ok' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an institution without a contact email: the verdict is saved and says why no email went out', async () => {
    const store = await prepared();
    const check = [...store.checks.values()].find((c) => c.institutionUscc === B)!;
    const decided = await decideSpotCheck({ store, now, mail: spotCheckMail }, shanghai, check.id, {
      verdict: 'needs-correction',
      comment: '请补充',
    });
    expect(decided).toMatchObject({ status: 'needs-correction', mailSkipped: 'no-contact-email' });
    expect(store.mails).toHaveLength(0);
  });

  it('a correction goes request -> answer -> re-check -> closure (Work Plan 三（四）通报反馈)', async () => {
    const store = await prepared();
    const check = [...store.checks.values()].find((c) => c.institutionUscc === A)!;
    const deps = { store, now, mail: spotCheckMail };
    const opened = await decideSpotCheck(deps, beijing, check.id, {
      verdict: 'needs-correction',
      comment: '许可日期缺失',
    });
    // Requested 2025-10-01 (China): due 30 days later.
    expect(opened.correction).toMatchObject({ status: 'open', dueDate: '2025-10-31', round: 1 });
    expect(store.mails[0]!.text).toContain('2025-10-31');
    expect(store.mails[0]!.text).toContain(`/v1/monitoring/spot-checks/${check.id}/correction`);
    expect(correctionOverdue(opened, '2025-10-31')).toBe(false);
    expect(correctionOverdue(opened, '2025-11-01')).toBe(true);

    // Another institution (or an admin) cannot answer it: 404.
    await expect(
      answerCorrection({ store, now }, institutionOf(B), check.id, { answer: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const later = () => new Date('2025-10-20T09:00:00+08:00');
    const answered = await answerCorrection({ store, now: later }, institutionOf(A), check.id, {
      answer: '已补充许可日期并重新提交',
    });
    expect(answered.correction).toMatchObject({ status: 'answered', answer: '已补充许可日期并重新提交' });
    expect(answered.correction?.answeredBy).toBeTruthy();
    expect(store.audits.at(-1)).toEqual({
      action: 'monitoring.correctionAnswered',
      at: later().toISOString(),
    });
    // Answered once: a second answer is refused until the administrators re-check.
    await expect(
      answerCorrection({ store, now: later }, institutionOf(A), check.id, { answer: 'again' }),
    ).rejects.toBeInstanceOf(CorrectionRefusedError);

    // The re-check: ok closes it; nothing more to answer.
    const closed = await decideSpotCheck({ ...deps, now: later }, beijing, check.id, { verdict: 'ok' });
    expect(closed).toMatchObject({ status: 'ok', correction: { status: 'closed', round: 1 } });
    expect(closed.correction?.closedBy).toBeTruthy();
    await expect(
      answerCorrection({ store, now: later }, institutionOf(A), check.id, { answer: 'x' }),
    ).rejects.toBeInstanceOf(CorrectionRefusedError);
  });

  it('an answer after the deadline is refused (409); reopening gives a new round and deadline', async () => {
    const store = await prepared();
    const check = [...store.checks.values()].find((c) => c.institutionUscc === A)!;
    const deps = { store, now, mail: spotCheckMail };
    await decideSpotCheck(deps, beijing, check.id, { verdict: 'needs-correction', comment: '请更正' });
    // 2025-11-01 00:30 China time: one day past 2025-10-31 (still 10-31 in UTC).
    const late = () => new Date('2025-10-31T16:30:00Z');
    await expect(
      answerCorrection({ store, now: late }, institutionOf(A), check.id, { answer: '已更正' }),
    ).rejects.toThrow(/2025-10-31/);
    expect(store.checks.get(check.id)!.correction?.status).toBe('open');
    // On the last day itself (23:59 China time) it is accepted.
    const lastMinute = () => new Date('2025-10-31T15:59:00Z');
    // A re-check of an answered correction that still needs work opens round 2 with a new deadline.
    await answerCorrection({ store, now: lastMinute }, institutionOf(A), check.id, { answer: '已更正' });
    const reopened = await decideSpotCheck({ ...deps, now: late }, beijing, check.id, {
      verdict: 'needs-correction',
      comment: '请更正',
    });
    expect(reopened.correction).toMatchObject({ status: 'open', round: 2, dueDate: '2025-12-01' });
  });

  it('needs-correction requires a comment (400)', () => {
    expect(spotCheckVerdictSchema.safeParse({ verdict: 'needs-correction' }).success).toBe(false);
    expect(spotCheckVerdictSchema.safeParse({ verdict: 'ok' }).success).toBe(true);
  });
});

describe('the 5-year-rule list', () => {
  const calls: Array<{ partition: unknown; cutoff: string }> = [];
  const list: FundedListStore = {
    async page(partition, grantedOnOrBefore) {
      calls.push({ partition, cutoff: grantedOnOrBefore });
      return {
        items: [
          {
            applicationNumber: '201510000005.5',
            institutionUscc: A,
            provinceCode: '110000',
            grantDate: '2016-05-04',
          },
        ],
      };
    },
  };
  const deps = { list, institutions: new MemoryStore(), now: () => new Date('2026-02-10T00:00:00Z') };

  it('cutoff: today in China minus 5 years (29 February -> 28 February)', () => {
    expect(fiveYearsBefore('2026-02-10')).toBe('2021-02-10');
    expect(fiveYearsBefore('2024-02-29')).toBe('2019-02-28');
  });

  it('scoped: institution users their own, province admins their province, another province 404', async () => {
    const own = await listUnimplementedFunded(deps, { sub: 'u', roles: ['institution'], orgUscc: A }, {
      limit: 25,
    } as never);
    expect(own).toMatchObject({ asOf: '2026-02-10', grantedOnOrBefore: '2021-02-10' });
    expect(own.items[0]).toMatchObject({ applicationNumber: '201510000005.5', yearsSinceGrant: 9 });
    expect(calls.at(-1)).toEqual({ partition: { institution: A }, cutoff: '2021-02-10' });
    await listUnimplementedFunded(deps, beijing, { limit: 25 } as never);
    expect(calls.at(-1)!.partition).toEqual({ province: '110000' });
    await expect(
      listUnimplementedFunded(deps, beijing, { province: '310000', limit: 25 } as never),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      listUnimplementedFunded(deps, beijing, { institution: B, limit: 25 } as never),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      listUnimplementedFunded(deps, { sub: 'u', roles: ['institution'], orgUscc: A }, {
        institution: B,
        limit: 25,
      } as never),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(listUnimplementedFunded(deps, national, { limit: 25 } as never)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await listUnimplementedFunded(deps, national, { institution: B, limit: 25 } as never);
    expect(calls.at(-1)!.partition).toEqual({ institution: B });
  });
});
