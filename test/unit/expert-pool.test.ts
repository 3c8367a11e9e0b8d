/** The expert pool over an in-memory store: verification, the listing by field, commissions (issue 15 item 7). */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CommissionAlreadyDecidedError,
  type CommissionDeps,
  CommissionExistsError,
  type CommissionPatent,
  type CommissionStore,
  ConflictOfInterestError,
  decideCommission,
  listCommissions,
  requestCommission,
  type StoredCommission,
} from '../../functions/experts/commissions.ts';
import { directoryKeys, directoryWrites, fieldKey } from '../../functions/experts/directory.ts';
import {
  decideExpert,
  type ExpertPoolStore,
  listExperts,
  statusAfterSave,
} from '../../functions/experts/pool.ts';
import { PatentNotAvailableError } from '../../functions/patents/availability.ts';
import { setCursorSigningKey } from '../../functions/shared/cursor.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import { commissionSchema, expertListingSchema } from '../../schemas/experts.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Expert } from '../../schemas/market.ts';
import type { Caller } from '../../schemas/roles.ts';
import { beijingAdmin, institutionUser, nationalAdmin, shanghaiAdmin } from '../support/callers.ts';

const INST = '12100000400000624D';
const OTHER_INST = '12100000400001186K';
const ENT = '91110000802100433B';
const PENDING_ENT = '91110000MA00000001';
const A = '202010123456.2';
const LAPSED = '201910000001.5';
const ASSIGNED = '201910000003.1';
const BASE = '201910000002.3';
const now = () => new Date('2026-03-02T08:00:00Z');

const enterprise: Caller = { sub: 'ent-user', roles: ['enterprise'], orgUscc: ENT };
const pendingEnterprise: Caller = { sub: 'ent3-user', roles: ['enterprise'], orgUscc: PENDING_ENT };
const otherInst = institutionUser(OTHER_INST);
const expertCaller = (sub: string): Caller => ({ sub, roles: ['expert'] });

const expert = (id: string, extra: Partial<Expert> = {}): Expert => ({
  expertId: id,
  name: `专家 ${id}`,
  title: '教授级高级工程师',
  affiliationUscc: OTHER_INST,
  affiliationName: '某某研究院',
  provinceCode: '110000',
  industryCodes: ['3841'],
  strategicIndustries: ['1.2'],
  ipcInterests: ['H01M 4'],
  email: `${id}@example.org`,
  phone: '010-12345678',
  active: true,
  status: 'verified',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  version: 2,
  ...extra,
});

/** Applies directory writes to a map of partitions (pk -> sk -> listing). */
function applyWrites(
  directory: Map<string, Map<string, Record<string, unknown>>>,
  writes: ReturnType<typeof directoryWrites>,
) {
  for (const write of writes) {
    if ('PutRequest' in write) {
      const { pk, sk, entity: _entity, ...listing } = write.PutRequest.Item;
      const partition = directory.get(String(pk)) ?? new Map<string, Record<string, unknown>>();
      partition.set(String(sk), listing);
      directory.set(String(pk), partition);
    } else {
      directory.get(String(write.DeleteRequest.Key.pk))?.delete(String(write.DeleteRequest.Key.sk));
    }
  }
}

function memoryStore() {
  const experts = new Map<string, Expert>();
  const directory = new Map<string, Map<string, Record<string, unknown>>>();
  const commissions = new Map<string, StoredCommission>();
  const requests = new Set<string>();
  const mails: MailMessage[] = [];
  const audit: string[] = [];
  const patent = (n: string, extra: Partial<CommissionPatent> = {}): CommissionPatent => ({
    applicationNumber: n,
    version: 3,
    institutionUscc: INST,
    provinceCode: '110000',
    title: `专利 ${n}`,
    patentType: 'invention',
    poolStatus: 'conversion',
    lifecycle: 'under-evaluation',
    legalStatus: 'valid',
    applicationDate: '2020-10-12',
    strategicIndustries: [],
    classifications: ['H01M 4/36'],
    conversionIntents: ['license'],
    ...extra,
  });
  const patents = new Map<string, CommissionPatent>([
    [A, patent(A)],
    [LAPSED, patent(LAPSED, { legalStatus: 'terminated', lifecycle: 'lapsed' })],
    [
      ASSIGNED,
      patent(ASSIGNED, { lifecycle: 'assigned', patenteeChange: { dealId: 'd-1', kind: 'assignment' } }),
    ],
    [BASE, patent(BASE, { poolStatus: 'base', lifecycle: 'base-pool' })],
  ]);
  const applyDirectory = (before: Expert | undefined, after: Expert | undefined) =>
    applyWrites(directory, directoryWrites(before, after));
  const pageOf = <T>(all: T[], limit: number, start?: Record<string, unknown>) => {
    const from = start ? Number(start.at) : 0;
    const items = all.slice(from, from + limit);
    return { items, ...(from + limit < all.length ? { lastKey: { at: from + limit } } : {}) };
  };
  const store: ExpertPoolStore & CommissionStore = {
    async expert(id) {
      return experts.has(id) ? structuredClone(experts.get(id)!) : undefined;
    },
    async decideExpert(after, previous) {
      const current = experts.get(after.expertId);
      if (current?.version !== previous.version) return false;
      experts.set(after.expertId, structuredClone(after));
      audit.push(`expert.${after.status}`);
      applyDirectory(previous, after);
      return true;
    },
    async directory(key, limit, start) {
      const entries = [...(directory.get(`EXPDIR#${key}`)?.entries() ?? [])].sort(([a], [b]) =>
        a.localeCompare(b),
      );
      return pageOf(
        entries.map(([, listing]) => listing as never),
        limit,
        start,
      );
    },
    async provinceExperts(province, status, limit, start) {
      const all = [...experts.values()].filter(
        (e) => e.provinceCode === province && (e.status ?? 'pending') === status,
      );
      return pageOf(all, limit, start);
    },
    async patent(n) {
      return patents.has(n) ? structuredClone(patents.get(n)!) : undefined;
    },
    async enterprise(uscc) {
      if (uscc === ENT)
        return {
          status: 'verified',
          name: '某电池企业',
          contact: { name: '王经理', email: 'wang@example.com' },
        };
      if (uscc === PENDING_ENT) return { status: 'pending', name: '待审企业' };
      return undefined;
    },
    async institution(uscc) {
      return uscc === OTHER_INST ? { name: '另一所大学', contactEmail: 'tto@other.edu.cn' } : undefined;
    },
    async commission(id) {
      return commissions.has(id) ? structuredClone(commissions.get(id)!) : undefined;
    },
    async hasRequest(n, expertId) {
      return requests.has(`${n}#${expertId}`);
    },
    async create(commission, _caller, mail) {
      if (commissions.has(commission.commissionId)) return 'exists';
      commissions.set(commission.commissionId, structuredClone(commission));
      if (mail) mails.push(mail);
      audit.push('commission.requested');
      return 'created';
    },
    async decide(before, after, _caller, mail, request) {
      const current = commissions.get(before.commissionId);
      if (!current || current.version !== before.version || current.status !== 'pending') return 'conflict';
      const requestKey = `${after.applicationNumber}#${after.expert.expertId}`;
      if (request && requests.has(requestKey)) return 'conflict';
      commissions.set(before.commissionId, structuredClone(after));
      if (request) requests.add(requestKey);
      if (mail) mails.push(mail);
      audit.push(`commission.${after.status}`);
      return 'saved';
    },
    async list(listing, status, limit, start) {
      const all = [...commissions.values()]
        .filter((c) =>
          listing.by === 'expert'
            ? c.expert.expertId === listing.expertId
            : c.requester.kind === listing.kind && c.requester.uscc === listing.uscc,
        )
        .filter((c) => !status || c.status === status)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return pageOf(all, limit, start);
    },
  };
  return { store, experts, directory, commissions, requests, mails, audit, patents };
}

let memory: ReturnType<typeof memoryStore>;
let deps: CommissionDeps & { store: ExpertPoolStore & CommissionStore };
const input = { applicationNumber: A, message: '请评估该专利在动力电池领域的产业化前景。' };

beforeEach(() => {
  setCursorSigningKey('expert-pool-unit-test-signing-key-0123456789');
  memory = memoryStore();
  deps = { store: memory.store, now };
});

/** Saves a profile as PUT /v1/experts/me would (status from statusAfterSave), directory included. */
function saveExpert(e: Expert) {
  const previous = memory.experts.get(e.expertId);
  memory.experts.set(e.expertId, e);
  applyWrites(memory.directory, directoryWrites(previous, e));
}

describe('fields of the pool', () => {
  it('lists an expert under its fields and every broader one', () => {
    const keys = directoryKeys(expert('x'));
    expect(keys).toEqual(
      expect.arrayContaining([
        'ALL',
        'IND#3841',
        'IND#384',
        'IND#38',
        'IND#C',
        'SEI#1.2',
        'SEI#1',
        'IPC#H01',
        'IPC#H01M',
        'IPC#H01M4',
      ]),
    );
  });
  it('reads industry codes, strategic industries and IPC prefixes; anything else is 400 saying which forms work', () => {
    expect(fieldKey('38')).toBe('IND#38');
    expect(fieldKey('c')).toBe('IND#C');
    expect(fieldKey('1.2')).toBe('SEI#1.2');
    expect(fieldKey('h01m 4')).toBe('IPC#H01M4');
    expect(() => fieldKey('电池')).toThrow(ValidationError);
    expect(() => fieldKey('9.99')).toThrow(/GB\/T 4754-2017/);
  });
  it('a verified expert leaving the pool (re-saved with another affiliation) loses its entries', () => {
    const before = expert('x');
    const after = {
      ...before,
      affiliationUscc: INST,
      ...statusAfterSave(before, { ...before, affiliationUscc: INST }),
    };
    expect(after.status).toBe('pending');
    const writes = directoryWrites(before, after);
    expect(writes.every((w) => 'DeleteRequest' in w)).toBe(true);
    expect(writes).toHaveLength(directoryKeys(before).length);
  });
  it('a verified expert re-saved with other fields stays verified; a rejected one is pending again', () => {
    expect(statusAfterSave(expert('x'), expert('x')).status).toBe('verified');
    expect(statusAfterSave(expert('x', { status: 'rejected' }), expert('x')).status).toBe('pending');
    expect(statusAfterSave(undefined, expert('x')).status).toBe('pending');
    expect(statusAfterSave(expert('x'), expert('x', { provinceCode: '310000' })).status).toBe('pending');
  });
});

describe('verification by the province', () => {
  it('the province admin verifies a pending expert: listed by field, without contact', async () => {
    saveExpert(expert('p1', { status: 'pending' }));
    expect(
      (await listExperts(deps, enterprise, { status: 'verified', field: '38', limit: 25 })).items,
    ).toEqual([]);
    const decided = await decideExpert(deps, beijingAdmin, 'p1', { decision: 'verified' });
    expect(decided).toMatchObject({ status: 'verified', version: 3, decidedAt: now().toISOString() });
    expect(memory.audit).toEqual(['expert.verified']);
    const page = await listExperts(deps, enterprise, { status: 'verified', field: '38', limit: 25 });
    expect(page.items.map((e) => e.expertId)).toEqual(['p1']);
    const [listed] = page.items;
    expect(expertListingSchema.strict().parse(listed)).toBeTruthy();
    expect(listed).not.toHaveProperty('email');
    expect(listed).not.toHaveProperty('phone');
    expect(JSON.stringify(page)).not.toContain('@example.org');
  });
  it('a legacy profile without status is pending; another province admin gets 404; deciding twice is 409', async () => {
    saveExpert(expert('p2', { status: undefined }));
    await expect(decideExpert(deps, shanghaiAdmin, 'p2', { decision: 'verified' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(decideExpert(deps, enterprise, 'p2', { decision: 'verified' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(decideExpert(deps, beijingAdmin, 'p2', { decision: 'rejected' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const rejected = await decideExpert(deps, nationalAdmin, 'p2', {
      decision: 'rejected',
      reason: '单位信息有误',
    });
    expect(rejected).toMatchObject({ status: 'rejected', rejectionReason: '单位信息有误' });
    const again = decideExpert(deps, beijingAdmin, 'p2', { decision: 'verified' });
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toMatchObject({ details: { currentState: 'rejected' } });
    expect(memory.experts.get('p2')?.version).toBe(3);
  });
  it('pending experts are listed to the admins of their province only', async () => {
    saveExpert(expert('p3', { status: 'pending' }));
    saveExpert(expert('v3'));
    const pending = await listExperts(deps, beijingAdmin, { status: 'pending', limit: 25 });
    expect(pending.items.map((e) => e.expertId)).toEqual(['p3']);
    await expect(listExperts(deps, enterprise, { status: 'pending', limit: 25 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      listExperts(deps, beijingAdmin, { status: 'pending', province: '310000', limit: 25 }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listExperts(deps, nationalAdmin, { status: 'pending', limit: 25 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
  it('pages the pool with signed cursors', async () => {
    for (const id of ['a', 'b', 'c']) saveExpert(expert(id));
    const first = await listExperts(deps, otherInst, { status: 'verified', limit: 2 });
    expect(first.items.map((e) => e.expertId)).toEqual(['a', 'b']);
    const second = await listExperts(deps, otherInst, {
      status: 'verified',
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map((e) => e.expertId)).toEqual(['c']);
    expect(second.nextCursor).toBeUndefined();
    // A cursor of one field is refused for another.
    await expect(
      listExperts(deps, otherInst, { status: 'verified', field: '38', limit: 2, cursor: first.nextCursor }),
    ).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });
});

describe('commissions', () => {
  beforeEach(() => {
    saveExpert(expert('x1'));
    saveExpert(expert('pending', { status: 'pending' }));
    saveExpert(expert('own', { affiliationUscc: INST }));
  });

  it('request, accept: the contact is revealed and the evaluation request exists for the existing route', async () => {
    const { created, commission } = await requestCommission(deps, enterprise, 'x1', input);
    expect(created).toBe(true);
    expect(commissionSchema.parse(commission)).toBeTruthy();
    expect(commission).toMatchObject({
      commissionId: `${A}~${ENT}~x1`,
      status: 'pending',
      requester: { kind: 'enterprise', uscc: ENT, contact: { email: 'wang@example.com' } },
      expert: { expertId: 'x1', title: '教授级高级工程师' },
    });
    expect(commission).not.toHaveProperty('expertContact');
    expect(memory.mails.map((m) => m.to)).toEqual([['x1@example.org']]);
    // The requester's list shows no contact before the answer.
    const before = await listCommissions(deps, enterprise, { limit: 25 });
    expect(JSON.stringify(before)).not.toContain('x1@example.org');

    const accepted = await decideCommission(deps, expertCaller('x1'), commission.commissionId, {
      decision: 'accept',
    });
    expect(accepted).toMatchObject({
      status: 'accepted',
      version: 2,
      expertContact: { email: 'x1@example.org', phone: '010-12345678' },
    });
    expect(memory.requests.has(`${A}#x1`)).toBe(true);
    expect(memory.mails[1]?.to).toEqual(['wang@example.com']);
    const after = await listCommissions(deps, enterprise, { limit: 25 });
    expect(after.items[0]?.expertContact?.email).toBe('x1@example.org');
    expect(memory.audit).toEqual(['commission.requested', 'commission.accepted']);
  });

  it('the same request again answers the recorded one; other contents are 409', async () => {
    await requestCommission(deps, enterprise, 'x1', input);
    const again = await requestCommission(deps, enterprise, 'x1', input);
    expect(again.created).toBe(false);
    await expect(
      requestCommission(deps, enterprise, 'x1', { ...input, message: '另一个留言内容' }),
    ).rejects.toBeInstanceOf(CommissionExistsError);
    expect(memory.commissions.size).toBe(1);
    expect(memory.mails).toHaveLength(1);
  });

  it('a second accept or decline is 409 and changes nothing', async () => {
    const { commission } = await requestCommission(deps, otherInst, 'x1', input);
    await decideCommission(deps, expertCaller('x1'), commission.commissionId, {
      decision: 'decline',
      reason: '时间冲突',
    });
    const stored = structuredClone(memory.commissions.get(commission.commissionId));
    for (const decision of [
      { decision: 'accept' as const },
      { decision: 'decline' as const, reason: '再次拒绝' },
    ]) {
      await expect(
        decideCommission(deps, expertCaller('x1'), commission.commissionId, decision),
      ).rejects.toBeInstanceOf(CommissionAlreadyDecidedError);
    }
    expect(memory.commissions.get(commission.commissionId)).toEqual(stored);
    expect(memory.requests.size).toBe(0);
  });

  it('an unverified or unknown expert is 404 saying to choose from the pool', async () => {
    await expect(requestCommission(deps, enterprise, 'pending', input)).rejects.toThrow(/GET \/v1\/experts/);
    await expect(requestCommission(deps, enterprise, 'nobody', input)).rejects.toBeInstanceOf(NotFoundError);
    expect(memory.commissions.size).toBe(0);
  });

  it("an expert of the patent's own institution is a conflict of interest (409)", async () => {
    const refused = requestCommission(deps, enterprise, 'own', input);
    await expect(refused).rejects.toBeInstanceOf(ConflictOfInterestError);
    await expect(refused).rejects.toMatchObject({
      statusCode: 409,
      details: { reason: 'conflict-of-interest' },
    });
    expect(memory.commissions.size).toBe(0);
  });

  it('an unavailable patent (lapsed, assigned) is 409; one outside the pool is 404', async () => {
    for (const n of [LAPSED, ASSIGNED]) {
      await expect(
        requestCommission(deps, enterprise, 'x1', { ...input, applicationNumber: n }),
      ).rejects.toBeInstanceOf(PatentNotAvailableError);
    }
    await expect(
      requestCommission(deps, enterprise, 'x1', { ...input, applicationNumber: BASE }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(memory.commissions.size).toBe(0);
  });

  it('the patent lapsing before the answer: accept is 409, decline still works', async () => {
    const { commission } = await requestCommission(deps, enterprise, 'x1', input);
    memory.patents.set(A, { ...memory.patents.get(A)!, legalStatus: 'terminated', lifecycle: 'lapsed' });
    await expect(
      decideCommission(deps, expertCaller('x1'), commission.commissionId, { decision: 'accept' }),
    ).rejects.toBeInstanceOf(PatentNotAvailableError);
    const declined = await decideCommission(deps, expertCaller('x1'), commission.commissionId, {
      decision: 'decline',
      reason: '专利已失效',
    });
    expect(declined.status).toBe('declined');
  });

  it('a pushed request already there is not written twice', async () => {
    memory.requests.add(`${A}#x1`);
    const { commission } = await requestCommission(deps, enterprise, 'x1', input);
    const accepted = await decideCommission(deps, expertCaller('x1'), commission.commissionId, {
      decision: 'accept',
    });
    expect(accepted.status).toBe('accepted');
  });

  it('who may: a pending enterprise is 403; the requester cannot answer; others see nothing', async () => {
    await expect(requestCommission(deps, pendingEnterprise, 'x1', input)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const { commission } = await requestCommission(deps, enterprise, 'x1', input);
    await expect(
      decideCommission(deps, enterprise, commission.commissionId, { decision: 'accept' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      decideCommission(deps, expertCaller('x2'), commission.commissionId, { decision: 'accept' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await listCommissions(deps, otherInst, { limit: 25 })).items).toEqual([]);
    expect((await listCommissions(deps, expertCaller('x1'), { limit: 25 })).items).toHaveLength(1);
    await expect(
      decideCommission(deps, expertCaller('x1'), commission.commissionId, { decision: 'decline' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
