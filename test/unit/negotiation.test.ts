/** Negotiation use-cases over an in-memory store: who asks, who answers, who sees, idempotency, the transition, mail, funnel. */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  decideInterest,
  expressInterest,
  getInterest,
  InterestAlreadyDecidedError,
  type InterestDeps,
  InterestExistsError,
  type InterestPatent,
  type InterestStore,
  institutionFunnel,
  listInterests,
  patentFunnel,
  type StoredInterest,
} from '../../functions/negotiation/interests.ts';
import { PatentNotAvailableError } from '../../functions/patents/availability.ts';
import { IllegalTransitionError, planTransition } from '../../functions/pipeline/transitions.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import { interestSchema } from '../../schemas/interest.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Caller } from '../../schemas/roles.ts';
import { beijingAdmin, institutionUser, nationalAdmin, shanghaiAdmin } from '../support/callers.ts';

const INST = '12100000400000624D';
const OTHER_INST = '12100000400001186K';
const ENT = '91110000802100433B';
const ENT2 = '91110108MA0000001D';
const PENDING_ENT = '91110000MA00000001';
const A = '202010123456.2';
const B = '202110234567.X';
const LAPSED = '201910000001.5';
const BASE = '201910000002.3';
const EXCLUSIVE = '201910000003.1';
const enterprise: Caller = { sub: 'ent-user', roles: ['enterprise'], orgUscc: ENT };
const enterprise2: Caller = { sub: 'ent2-user', roles: ['enterprise'], orgUscc: ENT2 };
const pendingEnterprise: Caller = { sub: 'ent3-user', roles: ['enterprise'], orgUscc: PENDING_ENT };
const inst = institutionUser(INST);
const otherInst = institutionUser(OTHER_INST);
const deptUser: Caller = { ...institutionUser(INST), sub: 'dept', department: '化学学院' };
const otherDeptUser: Caller = { ...institutionUser(INST), sub: 'dept2', department: '材料学院' };
const message = { purpose: 'negotiate' as const, message: '我司拟以普通许可方式实施该专利，希望洽谈。' };

function memoryStore() {
  const patents = new Map<string, InterestPatent>();
  const interests = new Map<string, StoredInterest>();
  const markers = new Set<string>();
  const mails: MailMessage[] = [];
  const writes: string[] = [];
  const events: Array<{ n: string; event: string; from: string; to: string; version: number }> = [];
  const patent = (n: string, extra: Partial<InterestPatent> = {}): InterestPatent => ({
    applicationNumber: n,
    version: 3,
    institutionUscc: INST,
    provinceCode: '110000',
    title: `专利 ${n}`,
    department: '化学学院',
    poolStatus: 'conversion',
    reviewStatus: 'approved',
    lifecycle: 'listed',
    legalStatus: 'valid',
    patentType: 'invention',
    applicationDate: '2020-10-12',
    ...extra,
  });
  patents.set(A, patent(A));
  patents.set(B, patent(B, { department: '材料学院', lifecycle: 'under-evaluation' }));
  patents.set(LAPSED, patent(LAPSED, { legalStatus: 'terminated', lifecycle: 'lapsed' }));
  patents.set(BASE, patent(BASE, { poolStatus: 'base', lifecycle: 'base-pool' }));
  patents.set(
    EXCLUSIVE,
    patent(EXCLUSIVE, {
      lifecycle: 'licensed',
      exclusiveGrant: { dealId: 'd-1', licenseType: 'exclusive', endDate: '2035-12-31' },
    }),
  );
  const key = (n: string, uscc: string) => `${n}~${uscc}`;
  const store: InterestStore = {
    async patent(n) {
      return patents.has(n) ? structuredClone(patents.get(n)!) : undefined;
    },
    async institution(uscc) {
      return uscc === INST || uscc === OTHER_INST
        ? { uscc, name: `机构 ${uscc}`, provinceCode: '110000', contactEmail: 'tto@example.edu.cn' }
        : undefined;
    },
    async enterprise(uscc) {
      if (uscc === ENT || uscc === ENT2)
        return {
          uscc,
          name: `企业 ${uscc}`,
          provinceCode: '110000',
          status: 'verified',
          contact: { name: '王经理', email: `${uscc}@example.com` },
        };
      if (uscc === PENDING_ENT) return { uscc, name: '待审企业', status: 'pending' };
      return undefined;
    },
    async interest(n, uscc) {
      const stored = interests.get(key(n, uscc));
      return stored ? structuredClone(stored) : undefined;
    },
    async create(interest, _caller, mail) {
      const k = key(interest.applicationNumber, interest.enterprise.uscc);
      if (interests.has(k)) return 'exists';
      interests.set(k, structuredClone(interest));
      if (mail) mails.push(mail);
      writes.push(`create ${k}`);
      return 'created';
    },
    async decide(before, after, _caller, mail, transition) {
      const k = key(before.applicationNumber, before.enterprise.uscc);
      const current = interests.get(k);
      if (!current || current.version !== before.version || current.status !== 'pending') return 'conflict';
      if (transition) {
        const stored = patents.get(transition.patent.applicationNumber)!;
        if (stored.version !== transition.patent.version || markers.has(transition.eventId))
          return 'conflict';
        const { from, to } = planTransition(transition.patent, { event: 'negotiationOpened' });
        markers.add(transition.eventId);
        patents.set(stored.applicationNumber, { ...stored, lifecycle: to, version: stored.version + 1 });
        events.push({
          n: stored.applicationNumber,
          event: 'negotiationOpened',
          from,
          to,
          version: stored.version + 1,
        });
      }
      interests.set(k, structuredClone(after));
      if (mail) mails.push(mail);
      writes.push(`decide ${k}`);
      return 'saved';
    },
    async list(listing, status, limit) {
      const items = [...interests.values()]
        .filter((i) =>
          listing.by === 'institution'
            ? i.institutionUscc === listing.uscc &&
              (listing.department === undefined || i.department === listing.department)
            : i.enterprise.uscc === listing.uscc,
        )
        .filter((i) => !status || i.status === status)
        .sort((x, y) => y.createdAt.localeCompare(x.createdAt))
        .slice(0, limit);
      return { items: structuredClone(items) };
    },
    async patentCounts(n) {
      const byStatus = { pending: 0, accepted: 0, declined: 0 };
      for (const i of interests.values()) if (i.applicationNumber === n) byStatus[i.status]++;
      return { pushed: n === A ? 5 : 0, evaluated: n === A ? 2 : 0, interests: byStatus, deals: 0 };
    },
    async institutionPatents(uscc) {
      return {
        patents: [...patents.values()]
          .filter((p) => p.institutionUscc === uscc)
          .map((p) => ({
            applicationNumber: p.applicationNumber,
            ...(p.applicationNumber === A || p.applicationNumber === B
              ? { evaluationOpenedAt: '2026-01-01T00:00:00.000Z' }
              : {}),
            evaluationCount: p.applicationNumber === A ? 2 : 0,
          })),
        complete: true,
      };
    },
    async institutionDealPatents() {
      return [EXCLUSIVE];
    },
    async institutionInterests(uscc) {
      return [...interests.values()]
        .filter((i) => i.institutionUscc === uscc)
        .map((i) => ({ applicationNumber: i.applicationNumber, status: i.status }));
    },
  };
  return { store, patents, interests, mails, writes, events };
}

let memory: ReturnType<typeof memoryStore>;
let deps: InterestDeps;
let clock = Date.parse('2026-05-10T02:00:00.000Z');
beforeEach(() => {
  memory = memoryStore();
  clock = Date.parse('2026-05-10T02:00:00.000Z');
  deps = {
    store: memory.store,
    now: () => {
      clock += 1000;
      return new Date(clock);
    },
  };
});

describe('asking to negotiate', () => {
  it('a verified enterprise asks: the request is recorded, the institution is mailed, the answer is the declared view', async () => {
    const { created, interest } = await expressInterest(deps, enterprise, A, {
      ...message,
      foundVia: 'search',
    });
    expect(created).toBe(true);
    expect(interest).toMatchObject({
      interestId: `${A}~${ENT}`,
      applicationNumber: A,
      institutionUscc: INST,
      status: 'pending',
      purpose: 'negotiate',
      foundVia: 'search',
      enterprise: { uscc: ENT, contact: { name: '王经理' } },
      version: 1,
    });
    expect(interest).not.toHaveProperty('requestHash');
    expect(interest).not.toHaveProperty('institutionContact');
    expect(interestSchema.parse(interest)).toEqual(interest);
    expect(memory.mails).toHaveLength(1);
    expect(memory.mails[0]!.to).toEqual(['tto@example.edu.cn']);
    expect(memory.mails[0]!.text).toContain(`/v1/interests/${A}~${ENT}/decision`);
  });

  it('bad input: an unverified enterprise is refused (403) and nothing is written', async () => {
    await expect(expressInterest(deps, pendingEnterprise, A, message)).rejects.toThrow(ForbiddenError);
    await expect(expressInterest(deps, pendingEnterprise, A, message)).rejects.toThrow(/verified/);
    expect(memory.writes).toEqual([]);
  });

  it('bad input: a patent that is not on offer answers 409 PATENT_NOT_AVAILABLE with the reason; one never offered 404', async () => {
    const lapsed = await expressInterest(deps, enterprise, LAPSED, message).catch((e) => e);
    expect(lapsed).toBeInstanceOf(PatentNotAvailableError);
    expect(lapsed.details).toMatchObject({ reason: 'lapsed' });
    expect(lapsed.message).toMatch(/not open to negotiation.*search/);
    const exclusive = await expressInterest(deps, enterprise, EXCLUSIVE, message).catch((e) => e);
    expect(exclusive.details).toMatchObject({ reason: 'exclusive-license', until: '2035-12-31' });
    await expect(expressInterest(deps, enterprise, BASE, message)).rejects.toThrow(NotFoundError);
    await expect(expressInterest(deps, enterprise, '202099999999.9', message)).rejects.toThrow(NotFoundError);
    // Screened out after it was in the pool: says so.
    memory.patents.set(BASE, {
      ...memory.patents.get(BASE)!,
      poolRemoval: { reason: 'rescreened', at: '2026-01-01T00:00:00.000Z' },
    });
    const rescreened = await expressInterest(deps, enterprise, BASE, message).catch((e) => e);
    expect(rescreened.details).toMatchObject({ reason: 'not-in-pool' });
    expect(memory.writes).toEqual([]);
  });

  it('bad input: a repeated request changes nothing twice; other contents are 409 saying where the first one is', async () => {
    await expressInterest(deps, enterprise, A, message, 'key-1');
    const again = await expressInterest(deps, enterprise, A, message, 'key-2');
    expect(again.created).toBe(false);
    expect(again.interest.interestId).toBe(`${A}~${ENT}`);
    expect((await expressInterest(deps, enterprise, A, message)).created).toBe(false);
    const other = await expressInterest(deps, enterprise, A, { ...message, message: '换一个说法' }).catch(
      (e) => e,
    );
    expect(other).toBeInstanceOf(InterestExistsError);
    expect(other.statusCode).toBe(409);
    expect(other.message).toContain(`GET /v1/interests/${A}~${ENT}`);
    const reused = await expressInterest(
      deps,
      enterprise,
      A,
      { ...message, message: '换一个说法' },
      'key-1',
    ).catch((e) => e);
    expect(reused).toBeInstanceOf(ConflictError);
    expect(reused.message).toMatch(/Idempotency-Key "key-1"/);
    expect(memory.writes).toHaveLength(1);
    expect(memory.mails).toHaveLength(1);
  });
});

describe('who sees a request', () => {
  beforeEach(async () => {
    await expressInterest(deps, enterprise, A, message);
    await expressInterest(deps, enterprise2, B, message);
  });

  it('the institution lists the requests it received, by status; department users their department only', async () => {
    expect(
      (await listInterests(deps, inst, { limit: 25 })).items.map((i) => i.applicationNumber).sort(),
    ).toEqual([A, B].sort());
    expect((await listInterests(deps, inst, { limit: 25, status: 'accepted' })).items).toEqual([]);
    expect(
      (await listInterests(deps, deptUser, { limit: 25 })).items.map((i) => i.applicationNumber),
    ).toEqual([A]);
    expect(
      (await listInterests(deps, otherDeptUser, { limit: 25 })).items.map((i) => i.applicationNumber),
    ).toEqual([B]);
    expect((await listInterests(deps, otherInst, { limit: 25 })).items).toEqual([]);
  });

  it('an enterprise lists and reads its own only; anyone else gets 404', async () => {
    expect((await listInterests(deps, enterprise, { limit: 25 })).items.map((i) => i.interestId)).toEqual([
      `${A}~${ENT}`,
    ]);
    expect(await getInterest(deps, enterprise, `${A}~${ENT}`)).toMatchObject({ status: 'pending' });
    await expect(getInterest(deps, enterprise2, `${A}~${ENT}`)).rejects.toThrow(NotFoundError);
    await expect(getInterest(deps, otherInst, `${A}~${ENT}`)).rejects.toThrow(NotFoundError);
    await expect(getInterest(deps, otherDeptUser, `${A}~${ENT}`)).rejects.toThrow(NotFoundError);
    await expect(getInterest(deps, beijingAdmin, `${A}~${ENT}`)).rejects.toThrow(NotFoundError);
    await expect(getInterest(deps, enterprise, 'not-an-id')).rejects.toThrow(NotFoundError);
    expect(await getInterest(deps, deptUser, `${A}~${ENT}`)).toMatchObject({ applicationNumber: A });
  });
});

describe('answering a request', () => {
  const id = `${A}~${ENT}`;
  beforeEach(async () => {
    await expressInterest(deps, enterprise, A, message);
    memory.mails.length = 0;
  });

  it('accept: the contact reaches that enterprise only, the patent takes negotiationOpened, the enterprise is mailed', async () => {
    const answered = await decideInterest(deps, inst, id, {
      decision: 'accept',
      contact: { name: '李老师', email: 'li@example.edu.cn', phone: '010-12345678' },
      message: '欢迎来访',
    });
    expect(answered).toMatchObject({
      status: 'accepted',
      institutionContact: { name: '李老师', email: 'li@example.edu.cn', phone: '010-12345678' },
      answer: '欢迎来访',
      version: 2,
    });
    expect(answered.decidedBy).toContain(INST);
    expect(memory.patents.get(A)).toMatchObject({ lifecycle: 'in-negotiation', version: 4 });
    expect(memory.events).toEqual([
      { n: A, event: 'negotiationOpened', from: 'listed', to: 'in-negotiation', version: 4 },
    ]);
    expect(memory.mails).toHaveLength(1);
    expect(memory.mails[0]!.to).toEqual([`${ENT}@example.com`]);
    expect(memory.mails[0]!.text).toContain('li@example.edu.cn');
    expect((await getInterest(deps, enterprise, id)).institutionContact?.email).toBe('li@example.edu.cn');
    // Another enterprise sees nothing of it.
    await expect(getInterest(deps, enterprise2, id)).rejects.toThrow(NotFoundError);
  });

  it("accept without a contact reveals the institution's contact email", async () => {
    const answered = await decideInterest(deps, inst, id, { decision: 'accept' });
    expect(answered.institutionContact).toEqual({ name: `机构 ${INST}`, email: 'tto@example.edu.cn' });
  });

  it('bad input: accepting twice, or declining after, is 409 with what to do', async () => {
    await decideInterest(deps, inst, id, { decision: 'accept' });
    const twice = await decideInterest(deps, inst, id, { decision: 'accept' }).catch((e) => e);
    expect(twice).toBeInstanceOf(InterestAlreadyDecidedError);
    expect(twice.statusCode).toBe(409);
    expect(twice.message).toMatch(/record the deal \(POST \/v1\/deals\)/);
    const decline = await decideInterest(deps, inst, id, { decision: 'decline', reason: '改变主意' }).catch(
      (e) => e,
    );
    expect(decline).toBeInstanceOf(InterestAlreadyDecidedError);
    expect(memory.events).toHaveLength(1);
  });

  it('bad input: accept after decline is 409 saying to write to the enterprise', async () => {
    const declined = await decideInterest(deps, inst, id, { decision: 'decline', reason: '已有意向合作方' });
    expect(declined).toMatchObject({ status: 'declined', declineReason: '已有意向合作方' });
    expect(declined).not.toHaveProperty('institutionContact');
    expect(memory.mails[0]!.text).toContain('已有意向合作方');
    expect(memory.patents.get(A)).toMatchObject({ lifecycle: 'listed', version: 3 });
    const after = await decideInterest(deps, inst, id, { decision: 'accept' }).catch((e) => e);
    expect(after).toBeInstanceOf(InterestAlreadyDecidedError);
    expect(after.message).toMatch(/write to the enterprise at its contact/);
    expect(after.details).toMatchObject({ status: 'declined' });
    // And the enterprise cannot ask again with other words.
    await expect(expressInterest(deps, enterprise, A, { ...message, message: '再次请求' })).rejects.toThrow(
      /declined \(已有意向合作方\)/,
    );
  });

  it('bad input: declining needs a reason', async () => {
    await expect(decideInterest(deps, inst, id, { decision: 'decline' })).rejects.toThrow(ValidationError);
  });

  it("bad input: another institution's request is 404; department users and the enterprise may not answer (403)", async () => {
    await expect(decideInterest(deps, otherInst, id, { decision: 'accept' })).rejects.toThrow(NotFoundError);
    await expect(decideInterest(deps, otherDeptUser, id, { decision: 'accept' })).rejects.toThrow(
      NotFoundError,
    );
    await expect(decideInterest(deps, deptUser, id, { decision: 'accept' })).rejects.toThrow(
      /institution-level/,
    );
    await expect(decideInterest(deps, enterprise, id, { decision: 'accept' })).rejects.toThrow(
      ForbiddenError,
    );
    expect(memory.interests.get(id)!.status).toBe('pending');
  });

  it('a patent that lapsed since the request cannot be accepted: 409 saying to decline it', async () => {
    memory.patents.set(A, { ...memory.patents.get(A)!, legalStatus: 'abandoned', lifecycle: 'lapsed' });
    const refused = await decideInterest(deps, inst, id, { decision: 'accept' }).catch((e) => e);
    expect(refused).toBeInstanceOf(PatentNotAvailableError);
    expect(refused.message).toMatch(/decline the request/);
    expect(memory.interests.get(id)!.status).toBe('pending');
  });

  it('under evaluation, or already in negotiation with another enterprise, the state is kept (versioned all the same)', async () => {
    await expressInterest(deps, enterprise, B, message);
    await expressInterest(deps, enterprise2, B, message);
    await decideInterest(deps, inst, `${B}~${ENT}`, { decision: 'accept' });
    expect(memory.patents.get(B)).toMatchObject({ lifecycle: 'under-evaluation', version: 4 });
    await decideInterest(deps, inst, id, { decision: 'accept' });
    await expressInterest(deps, enterprise2, A, message);
    await decideInterest(deps, inst, `${A}~${ENT2}`, { decision: 'accept' });
    expect(memory.patents.get(A)).toMatchObject({ lifecycle: 'in-negotiation', version: 5 });
    expect(memory.events.map((e) => `${e.n}:${e.from}->${e.to}`)).toEqual([
      `${B}:under-evaluation->under-evaluation`,
      `${A}:listed->in-negotiation`,
      `${A}:in-negotiation->in-negotiation`,
    ]);
  });

  it('a state the table does not allow is 409 ILLEGAL_TRANSITION before anything is written', async () => {
    memory.patents.set(A, { ...memory.patents.get(A)!, lifecycle: 'equity' });
    await expect(decideInterest(deps, inst, id, { decision: 'accept' })).rejects.toThrow(
      IllegalTransitionError,
    );
    expect(memory.interests.get(id)!.status).toBe('pending');
  });
});

describe('the funnel', () => {
  beforeEach(async () => {
    await expressInterest(deps, enterprise, A, message);
    await expressInterest(deps, enterprise2, A, message);
    await expressInterest(deps, enterprise, B, message);
    await decideInterest(deps, inst, `${A}~${ENT}`, { decision: 'accept' });
    await decideInterest(deps, inst, `${A}~${ENT2}`, { decision: 'decline', reason: '暂不考虑' });
  });

  it('per patent: pushed, evaluated, interest, negotiation, deal; in scope only', async () => {
    expect(await patentFunnel(deps, inst, A)).toEqual({
      applicationNumber: A,
      institutionUscc: INST,
      pushed: 5,
      evaluated: 2,
      interest: 2,
      negotiation: 1,
      deal: 0,
      declined: 1,
      pending: 0,
    });
    expect((await patentFunnel(deps, beijingAdmin, A)).interest).toBe(2);
    expect((await patentFunnel(deps, nationalAdmin, A)).interest).toBe(2);
    await expect(patentFunnel(deps, otherInst, A)).rejects.toThrow(NotFoundError);
    await expect(patentFunnel(deps, shanghaiAdmin, A)).rejects.toThrow(NotFoundError);
    await expect(patentFunnel(deps, enterprise, A)).rejects.toThrow(NotFoundError);
  });

  it('per institution: the patents reaching each step, the requests by status; in scope only', async () => {
    expect(await institutionFunnel(deps, inst, INST)).toEqual({
      institutionUscc: INST,
      patents: { pushed: 2, evaluated: 1, interest: 2, negotiation: 1, deal: 1 },
      requests: { pending: 1, accepted: 1, declined: 1 },
      complete: true,
    });
    expect((await institutionFunnel(deps, deptUser, INST)).patents.interest).toBe(2);
    expect((await institutionFunnel(deps, beijingAdmin, INST)).complete).toBe(true);
    await expect(institutionFunnel(deps, otherInst, INST)).rejects.toThrow(NotFoundError);
    await expect(institutionFunnel(deps, shanghaiAdmin, INST)).rejects.toThrow(NotFoundError);
  });
});
