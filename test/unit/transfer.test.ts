/** Transfer use-cases over an in-memory store: scope, licensing rules, atomic portfolios, idempotency, filing, products. */
import { beforeEach, describe, expect, it } from 'vitest';
import { IllegalTransitionError, planTransition } from '../../functions/pipeline/transitions.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import { createDeal, getDeal, listDeals, recordFiling } from '../../functions/transfer/deals.ts';
import type { Ledger } from '../../functions/transfer/obligations.ts';
import {
  declareOpenLicense,
  getOpenLicense,
  listOpenLicenses,
  publicOpenLicense,
  recordOpenLicensePublication,
  takeOpenLicense,
  withdrawOpenLicense,
} from '../../functions/transfer/open-license.ts';
import { flagOverdueFilings } from '../../functions/transfer/overdue.ts';
import { recordPledge, releasePledge } from '../../functions/transfer/pledges.ts';
import type {
  PatentChange,
  StoredDeal,
  StoredProduct,
  TransferDeps,
  TransferPatent,
  TransferStore,
} from '../../functions/transfer/ports.ts';
import { createProduct } from '../../functions/transfer/products.ts';
import { dealRefusal, legalRefusal } from '../../functions/transfer/rules.ts';
import type { Deal, DealInput } from '../../schemas/deal.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { OpenLicense } from '../../schemas/open-license.ts';
import type { Caller } from '../../schemas/roles.ts';
import { beijingAdmin, institutionUser, shanghaiAdmin } from '../support/callers.ts';
import { openLicenseDeclaration } from '../support/deals.ts';

const INST = '12100000400000624D';
const OTHER_INST = '12100000400001186K';
const ENT = '91110000802100433B';
const A = '202010123456.2';
const B = '202110234567.X';
const C = '201910000001.5';
const enterprise: Caller = { sub: 'ent-user', roles: ['enterprise'], orgUscc: ENT };
/** The registration status of ENT (a province administrator's decision). */
let enterpriseStatus = 'verified';

/**
 * The store as plain maps of domain objects, with the answers of the adapter's conditions that matter
 * here: a record or an applied transition is 'duplicate', a patent or deal changed since read a conflict.
 */
function memoryStore() {
  const patents = new Map<string, TransferPatent>();
  const deals = new Map<string, StoredDeal>();
  const products = new Map<string, StoredProduct>();
  const ledgers = new Map<string, Ledger>();
  const links: Array<{ uscc: string; dealId: string; kind: Deal['kind']; applicationNumbers: string[] }> = [];
  /** Applied transitions: `<application number>|<event id>`. */
  const applied = new Set<string>();
  const listings = new Map<string, OpenLicense & { provinceCode: string }>();
  const mails: MailMessage[] = [];
  /** The port's writes, in order (the names of the methods called and committed). */
  const writes: string[] = [];
  /** 'duplicate' when a change was applied before; a patent changed since read is a conflict. */
  const check = (changes: PatentChange[]) => {
    if (changes.some((c) => applied.has(`${c.patent.applicationNumber}|${c.transition.eventId}`)))
      return 'duplicate' as const;
    if (changes.some((c) => patents.get(c.patent.applicationNumber)!.version !== c.patent.version))
      throw new ConflictError('changed meanwhile');
    return undefined;
  };
  const apply = (changes: PatentChange[]) => {
    for (const { patent, transition } of changes) {
      const stored = patents.get(patent.applicationNumber)!;
      const { to } = planTransition(patent, transition);
      Object.assign(stored, transition.set ?? {}, { version: patent.version + 1, lifecycle: to });
      for (const field of transition.remove ?? [])
        delete (stored as unknown as Record<string, unknown>)[field];
      applied.add(`${patent.applicationNumber}|${transition.eventId}`);
    }
  };
  const store: TransferStore = {
    async patents(numbers) {
      return new Map(
        numbers.flatMap((n) => (patents.has(n) ? [[n, structuredClone(patents.get(n)!)] as const] : [])),
      );
    },
    async institution(uscc) {
      return { uscc, name: `机构 ${uscc}`, provinceCode: '110000', contactEmail: 'tto@example.edu.cn' };
    },
    async enterprise(uscc) {
      return uscc === ENT
        ? { uscc, name: '北京某某科技有限公司', provinceCode: '110000', status: enterpriseStatus }
        : undefined;
    },
    async deal(id) {
      return deals.get(id);
    },
    async deals(ids) {
      return ids.flatMap((id) => (deals.has(id) ? [deals.get(id)!] : []));
    },
    async listDeals(listing, filter) {
      const items = [...deals.values()].filter(
        (d) =>
          (listing.by === 'institution'
            ? d.institutionUscc === listing.uscc
            : listing.by === 'enterprise'
              ? d.enterprise.uscc === listing.uscc
              : d.provinceCode === listing.code) &&
          (!filter.kind || d.kind === filter.kind),
      );
      return { items };
    },
    async enterpriseLinks(uscc) {
      return links.filter((l) => l.uscc === uscc);
    },
    async product(id) {
      return products.get(id);
    },
    async listProducts() {
      return { items: [...products.values()] };
    },
    async listOpenLicenses(province) {
      return { items: [...listings.values()].filter((l) => !province || l.provinceCode === province) };
    },
    async dueFilings(before) {
      return [...deals.values()].filter(
        (d) =>
          d.filingStatus === 'pending' &&
          !d.registrationRemindedAt &&
          (d.filingDueDate ?? d.registrationReminderOn ?? '') < before,
      );
    },
    async recordDeal({ deal, patents: changes, ledger }) {
      if (deals.has(deal.dealId)) return 'duplicate';
      if (check(changes)) return 'duplicate';
      writes.push('recordDeal');
      deals.set(deal.dealId, structuredClone(deal));
      const { uscc } = deal.enterprise;
      links.push({ uscc, dealId: deal.dealId, kind: deal.kind, applicationNumbers: deal.applicationNumbers });
      apply(changes);
      if (ledger) ledgers.set(deal.dealId, { ...ledger, version: ledger.version + 1 });
      return 'recorded';
    },
    async recordFiling({ deal, filing, patents: changes }) {
      if (check(changes)) return 'duplicate';
      const stored = deals.get(deal.dealId)!;
      if (stored.version !== deal.version) throw new ConflictError('changed meanwhile');
      writes.push('recordFiling');
      Object.assign(stored, { filing, filingStatus: 'filed', version: deal.version + 1 });
      apply(changes);
      return 'recorded';
    },
    async declareOpenLicense({ patent, openLicense, provinceCode }) {
      if (check([patent])) return 'duplicate';
      writes.push('declareOpenLicense');
      apply([patent]);
      listings.set(openLicense.applicationNumber, { ...openLicense, provinceCode });
      return 'declared';
    },
    async changePatent({ patent }) {
      if (check([patent])) return 'duplicate';
      writes.push('changePatent');
      apply([patent]);
      return 'changed';
    },
    async withdrawOpenLicense({ patent }) {
      if (check([patent])) return 'duplicate';
      writes.push('withdrawOpenLicense');
      apply([patent]);
      listings.delete(patent.patent.applicationNumber);
      return 'withdrawn';
    },
    async recordProduct({ product, patents: changes }) {
      if (products.has(product.productId) || check(changes)) return 'duplicate';
      writes.push('recordProduct');
      products.set(product.productId, structuredClone(product));
      apply(changes);
      return 'recorded';
    },
    async flagOverdueFiling(deal, at, notice) {
      const stored = deals.get(deal.dealId)!;
      if (stored.filingStatus !== 'pending') return 'changed';
      writes.push('flagOverdueFiling');
      Object.assign(stored, { filingStatus: 'overdue', overdueFlaggedAt: at });
      if (notice.mail) mails.push(notice.mail);
      return 'flagged';
    },
    async remindRegistration(deal, at, notice) {
      const stored = deals.get(deal.dealId)!;
      if (stored.filingStatus !== 'pending' || stored.registrationRemindedAt) return 'changed';
      writes.push('remindRegistration');
      Object.assign(stored, { registrationRemindedAt: at });
      if (notice.mail) mails.push(notice.mail);
      return 'reminded';
    },
  };
  return { store, patents, deals, ledgers, mails, writes };
}

let mem: ReturnType<typeof memoryStore>;
let deps: TransferDeps;
let counter = 0;
const addPatent = (n: string, extra: Partial<TransferPatent> = {}) =>
  mem.patents.set(n, {
    applicationNumber: n,
    institutionUscc: INST,
    provinceCode: '110000',
    version: 3,
    lifecycle: 'listed',
    patentType: 'invention',
    ...extra,
  });
beforeEach(() => {
  mem = memoryStore();
  deps = { store: mem.store, now: () => new Date('2026-06-10T02:00:00Z'), ids: () => `d-${++counter}` };
  addPatent(A);
  addPatent(B);
});

const license = (extra: Partial<DealInput> = {}): DealInput => ({
  kind: 'license',
  licenseType: 'ordinary',
  applicationNumbers: [A],
  enterprise: { uscc: ENT, name: '北京某某科技有限公司' },
  priceTerms: { type: 'lump-sum', amountFen: 100_000_00 },
  effectiveDate: '2026-03-01',
  endDate: '2031-02-28',
  ...extra,
});
const inst = institutionUser(INST);

describe('only verified enterprises are parties', () => {
  it('a rejected or pending enterprise cannot be party to a deal, take an open license or file a product (403)', async () => {
    await declareOpenLicense(deps, inst, A, openLicenseDeclaration);
    for (const status of ['rejected', 'pending']) {
      enterpriseStatus = status;
      try {
        for (const attempt of [
          createDeal(deps, inst, license()),
          takeOpenLicense(deps, enterprise, A, {
            noticeDate: '2026-05-01',
            payment: { amountFen: 10_000_00, paidOn: '2026-05-02', reference: 'TX-9' },
          }),
          createProduct(deps, enterprise, {} as never),
        ]) {
          const error = await attempt.catch((e) => e);
          expect(error, status).toBeInstanceOf(ForbiddenError);
          expect(error.message).toContain(status);
        }
      } finally {
        enterpriseStatus = 'verified';
      }
    }
  });
});

describe('department users do not act for the institution', () => {
  const departmentUser: Caller = { ...institutionUser(INST), department: '材料学院' };
  it('may not record a deal or a filing, nor declare an open license (403), and nothing is written', async () => {
    for (const attempt of [
      createDeal(deps, departmentUser, license()),
      recordFiling(deps, departmentUser, 'any-deal', {
        filingReference: 'x',
        filedOn: '2026-04-01',
      } as never),
      declareOpenLicense(deps, departmentUser, A, {} as never),
    ]) {
      const error = await attempt.catch((e) => e);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.message).toContain('institution-level');
    }
  });
});

describe('deals', () => {
  it('records a deal: patents move on, the filing clock starts 3 months after the effective date', async () => {
    const { created, deal } = await createDeal(deps, inst, license({ applicationNumbers: [A, B] }));
    expect(created).toBe(true);
    expect(deal).toMatchObject({
      filingKind: 'license-filing',
      filingStatus: 'pending',
      filingDueDate: '2026-06-01',
      provinceCode: '110000',
    });
    expect(mem.patents.get(A)).toMatchObject({
      lifecycle: 'licensed',
      version: 4,
      implementationStatus: 'licensed',
    });
    // Recorded with the deal's ledger of obligations (money.ts); the items: transfer-writes.test.ts.
    expect(mem.writes).toEqual(['recordDeal']);
    expect(mem.ledgers.get(deal.dealId)).toMatchObject({ dealId: deal.dealId, version: 1 });
  });

  it("another institution's patent: 404 without saying whose, nothing written", async () => {
    addPatent(C, { institutionUscc: OTHER_INST });
    const error = await createDeal(deps, inst, license({ applicationNumbers: [A, C] })).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).not.toContain(OTHER_INST);
    expect(error.details).toEqual({ applicationNumbers: [C] });
    expect(mem.writes).toHaveLength(0);
  });

  it('an exclusive license on an openly licensed patent: 409 OPEN_LICENSE_ACTIVE; ordinary is fine', async () => {
    await declareOpenLicense(deps, inst, A, openLicenseDeclaration);
    expect(mem.patents.get(A)!.lifecycle).toBe('open-license');
    const error = await createDeal(deps, inst, license({ licenseType: 'exclusive' })).catch((e) => e);
    expect(error.statusCode).toBe(409);
    expect(error.code).toBe('OPEN_LICENSE_ACTIVE');
    expect(error.message).toContain('open-license/withdrawal');
    expect((await createDeal(deps, inst, license())).created).toBe(true);
  });

  it('an exclusive license in force refuses further licenses until it ends; an assignment ends further deals', async () => {
    await createDeal(deps, inst, license({ licenseType: 'exclusive' }));
    const error = await createDeal(deps, inst, license({ effectiveDate: '2027-01-01' })).catch((e) => e);
    expect(error.code).toBe('EXCLUSIVE_LICENSE_IN_FORCE');
    expect(
      (await createDeal(deps, inst, license({ effectiveDate: '2031-03-01', endDate: '2032-01-01' }))).created,
    ).toBe(true);
    await createDeal(
      deps,
      inst,
      license({ kind: 'assignment', licenseType: undefined, applicationNumbers: [B], endDate: undefined }),
    );
    const after = await createDeal(deps, inst, license({ applicationNumbers: [B] })).catch((e) => e);
    expect(after.code).toBe('PATENTEE_CHANGED');
  });

  it('a portfolio with one illegal patent records nothing (409 ILLEGAL_TRANSITION with the allowed events)', async () => {
    addPatent(C, { lifecycle: 'withdrawn' });
    const error = await createDeal(deps, inst, license({ applicationNumbers: [A, B, C] })).catch((e) => e);
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error.details).toMatchObject({ applicationNumber: C, current: 'withdrawn', allowed: [] });
    expect(mem.writes).toHaveLength(0);
    expect(mem.patents.get(A)!.lifecycle).toBe('listed');
  });

  it('the same request twice (Idempotency-Key) records one deal; the key with other contents is 409', async () => {
    const first = await createDeal(deps, inst, license(), 'key-1');
    const second = await createDeal(deps, inst, license(), 'key-1');
    expect(second).toEqual({ created: false, deal: first.deal });
    expect(mem.deals.size).toBe(1);
    expect(mem.writes).toHaveLength(1);
    await expect(createDeal(deps, inst, license({ notes: 'changed' }), 'key-1')).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('institutions record their own deals; admins name the institution, within their province', async () => {
    await expect(createDeal(deps, inst, license({ institutionUscc: OTHER_INST }))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(createDeal(deps, beijingAdmin, license())).rejects.toBeInstanceOf(ValidationError);
    await expect(createDeal(deps, shanghaiAdmin, license({ institutionUscc: INST }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const { deal } = await createDeal(deps, beijingAdmin, license({ institutionUscc: INST }));
    expect(deal.createdBy).toBe('省 110000 / province 110000（省级知识产权局 province admin）');
    expect(JSON.stringify(deal)).not.toContain('bj-admin');
  });

  it('deals are seen by their parties and the admins of their province only', async () => {
    const { deal } = await createDeal(deps, inst, license());
    expect(await getDeal(deps, enterprise, deal.dealId)).toEqual(deal);
    await expect(getDeal(deps, institutionUser(OTHER_INST), deal.dealId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getDeal(deps, shanghaiAdmin, deal.dealId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listDeals(deps, enterprise, { limit: 25 })).items).toHaveLength(1);
    expect((await listDeals(deps, beijingAdmin, { limit: 25, kind: 'assignment' })).items).toHaveLength(0);
  });
});

describe('filing', () => {
  it('a filing date before the effective date is 400 naming the date; a good one files the patents once', async () => {
    const { deal } = await createDeal(deps, inst, license());
    const early = await recordFiling(deps, inst, deal.dealId, { number: 'F-1', date: '2026-02-28' }).catch(
      (e) => e,
    );
    expect(early).toBeInstanceOf(ValidationError);
    expect(early.details).toEqual([
      { in: 'body', field: 'date', message: 'before the effective date 2026-03-01' },
    ]);
    const filed = await recordFiling(deps, inst, deal.dealId, { number: 'F-1', date: '2026-05-20' });
    expect(filed.changed).toBe(true);
    expect(filed.deal.filingStatus).toBe('filed');
    expect(mem.patents.get(A)!.lifecycle).toBe('filed');
    const again = await recordFiling(deps, inst, deal.dealId, { number: 'F-1', date: '2026-05-20' });
    expect(again.changed).toBe(false);
    await expect(
      recordFiling(deps, inst, deal.dealId, { number: 'F-2', date: '2026-05-20' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      recordFiling(deps, enterprise, deal.dealId, { number: 'F-1', date: '2026-05-20' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('the sweep flags each overdue filing once and emails the institution and the province admins', async () => {
    const { deal } = await createDeal(deps, inst, license());
    const directory = { provinceAdminEmails: async () => ['bj@example.gov.cn'] };
    const outcome = await flagOverdueFilings({ ...deps, directory }, { now: '2026-06-02T00:00:00Z' });
    expect(outcome).toMatchObject({ due: 1, flagged: 1, mailed: 1 });
    const mail = mem.mails.at(-1)!;
    expect(mail.to).toEqual(['tto@example.edu.cn', 'bj@example.gov.cn']);
    expect(mail.text).toContain(`PUT /v1/deals/${deal.dealId}/filing`);
    expect(mem.deals.get(deal.dealId)!.filingStatus).toBe('overdue');
    expect(await flagOverdueFilings({ ...deps, directory }, { now: '2026-06-03T00:00:00Z' })).toMatchObject({
      due: 0,
      flagged: 0,
    });
    // Not yet due: the due date itself is still in time (China time).
    const other = await createDeal(
      deps,
      inst,
      license({ applicationNumbers: [B], effectiveDate: '2026-04-01' }),
    );
    expect(await flagOverdueFilings({ ...deps, directory }, { now: '2026-06-30T15:00:00Z' })).toMatchObject({
      flagged: 0,
    });
    expect(mem.deals.get(other.deal.dealId)!.filingStatus).toBe('pending');
  });
});

describe('assignments take effect on registration (专利法 art. 10)', () => {
  const assignment = () => license({ kind: 'assignment', licenseType: undefined, endDate: undefined });

  it('a recorded assignment is pending registration: no legal deadline, the patent is committed but still the institution’s', async () => {
    const { deal } = await createDeal(deps, inst, assignment());
    expect(deal).toMatchObject({
      filingKind: 'assignment-registration',
      filingStatus: 'pending',
      registrationReminderOn: '2026-06-01',
    });
    expect(deal).not.toHaveProperty('filingDueDate');
    expect(mem.patents.get(A)).toMatchObject({
      lifecycle: 'assigned',
      patenteeChange: { dealId: deal.dealId, kind: 'assignment', registration: 'pending' },
    });
    expect(mem.patents.get(A)!.patenteeChange).not.toHaveProperty('registeredOn');
  });

  it('the sweep reminds a pending registration once and never flags it overdue', async () => {
    const { deal } = await createDeal(deps, inst, assignment());
    const directory = { provinceAdminEmails: async () => ['bj@example.gov.cn'] };
    const outcome = await flagOverdueFilings({ ...deps, directory }, { now: '2026-06-02T00:00:00Z' });
    expect(outcome).toMatchObject({ due: 1, flagged: 0, reminded: 1, mailed: 1 });
    const mail = mem.mails.at(-1)!;
    expect(mail.subject).toContain('Registration reminder');
    expect(mail.text).toContain('专利法第十条');
    expect(mail.text).toContain(`PUT /v1/deals/${deal.dealId}/filing`);
    expect(mem.deals.get(deal.dealId)).toMatchObject({ filingStatus: 'pending' });
    expect(mem.deals.get(deal.dealId)!.registrationRemindedAt).toBeDefined();
    expect(await flagOverdueFilings({ ...deps, directory }, { now: '2026-09-02T00:00:00Z' })).toMatchObject({
      reminded: 0,
      flagged: 0,
    });
  });

  it('recording the registration dates the change of patentee: the day the patent leaves the stock', async () => {
    const { deal } = await createDeal(deps, inst, assignment());
    await recordFiling(deps, inst, deal.dealId, { number: 'ZR-2026-1', date: '2026-05-20' });
    expect(mem.patents.get(A)).toMatchObject({
      lifecycle: 'filed',
      patenteeChange: { dealId: deal.dealId, registration: 'registered', registeredOn: '2026-05-20' },
    });
    // Bad input: the assignment registered twice. The same record again changes nothing; another
    // registration is 409; a second assignment of the patent is refused (the institution is no longer
    // the patentee).
    const writes = mem.writes.length;
    const again = await recordFiling(deps, inst, deal.dealId, { number: 'ZR-2026-1', date: '2026-05-20' });
    expect(again.changed).toBe(false);
    const other = await recordFiling(deps, inst, deal.dealId, {
      number: 'ZR-2026-2',
      date: '2026-05-21',
    }).catch((e) => e);
    expect(other).toBeInstanceOf(ConflictError);
    const second = await createDeal(deps, inst, assignment()).catch((e) => e);
    expect(second.statusCode).toBe(409);
    expect(mem.writes).toHaveLength(writes);
  });
});

describe("co-owned patents need the co-owners' consent (专利法 art. 14)", () => {
  const consent = { consentedOn: '2026-02-20', reference: '共有人同意书 2026-017' };

  it('an assignment, equity, exclusive or sole license without consent: 409 naming the co-owners; nothing written', async () => {
    addPatent(A, { coOwners: ['北京某某医疗科技有限公司'] });
    for (const input of [
      license({ licenseType: 'exclusive' }),
      license({ licenseType: 'sole' }),
      license({ kind: 'assignment', licenseType: undefined, endDate: undefined }),
    ]) {
      const error = await createDeal(deps, inst, input).catch((e) => e);
      expect(error.statusCode, input.licenseType ?? input.kind).toBe(409);
      expect(error.code).toBe('CO_OWNER_CONSENT_REQUIRED');
      expect(error.message).toContain('北京某某医疗科技有限公司');
      expect(error.message).toContain('coOwnerConsents');
    }
    expect(mem.writes).toHaveLength(0);
  });

  it('an ordinary license needs none; with the consent the deal is recorded and keeps it', async () => {
    addPatent(A, { coOwners: ['北京某某医疗科技有限公司'] });
    expect((await createDeal(deps, inst, license())).created).toBe(true);
    addPatent(B, { coOwners: ['张三'] });
    const { deal } = await createDeal(
      deps,
      inst,
      license({
        kind: 'assignment',
        licenseType: undefined,
        endDate: undefined,
        applicationNumbers: [B],
        coOwnerConsents: [{ applicationNumber: `ZL${B}`, ...consent }],
      }),
    );
    expect(deal.coOwnerConsents).toEqual([{ applicationNumber: B, ...consent }]);
  });

  it('a consent for a patent that is not in the deal is 400', async () => {
    const error = await createDeal(
      deps,
      inst,
      license({ coOwnerConsents: [{ applicationNumber: B, ...consent }] }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(B);
  });

  it('an open license of a co-owned patent needs the consent too', async () => {
    addPatent(A, { coOwners: ['某某研究院'] });
    const error = await declareOpenLicense(deps, inst, A, openLicenseDeclaration).catch((e) => e);
    expect(error.code).toBe('CO_OWNER_CONSENT_REQUIRED');
    const ok = await declareOpenLicense(deps, inst, A, {
      ...openLicenseDeclaration,
      coOwnerConsent: consent,
    });
    expect(ok.openLicense.coOwnerConsent).toEqual(consent);
  });
});

describe("pledged patents need the pledgee's consent (民法典 art. 444)", () => {
  const registration = {
    pledgee: '示例银行北京分行',
    registrationNumber: 'Y2026110000123',
    registeredOn: '2026-01-05',
  };
  const consent = { consentedOn: '2026-02-20', reference: '质权人同意书 2026-003' };

  it('records a pledge once; then every deal, ordinary licenses included, and an open license need the consent', async () => {
    const first = await recordPledge(deps, inst, A, registration);
    expect(first).toMatchObject({ created: true, pledge: { status: 'active', pledgee: '示例银行北京分行' } });
    expect(mem.patents.get(A)!.lifecycle).toBe('listed');
    expect((await recordPledge(deps, inst, A, registration)).created).toBe(false);
    const other = await recordPledge(deps, inst, A, { ...registration, pledgee: '另一银行' }).catch((e) => e);
    expect(other).toBeInstanceOf(ConflictError);
    const writes = mem.writes.length;
    for (const input of [
      license(),
      license({ kind: 'assignment', licenseType: undefined, endDate: undefined }),
    ]) {
      const error = await createDeal(deps, inst, input).catch((e) => e);
      expect(error.code, input.kind).toBe('PLEDGEE_CONSENT_REQUIRED');
      expect(error.message).toContain('Y2026110000123');
      expect(error.message).toContain('pledgeeConsents');
    }
    const open = await declareOpenLicense(deps, inst, A, openLicenseDeclaration).catch((e) => e);
    expect(open.code).toBe('PLEDGEE_CONSENT_REQUIRED');
    expect(mem.writes).toHaveLength(writes);
    const { deal } = await createDeal(
      deps,
      inst,
      license({ pledgeeConsents: [{ applicationNumber: A, ...consent }] }),
    );
    expect(deal.pledgeeConsents).toEqual([{ applicationNumber: A, ...consent }]);
  });

  it('a released pledge needs no consent; dates out of order or in the future are 400; an unknown number 404', async () => {
    await recordPledge(deps, inst, A, registration);
    const future = await recordPledge(deps, inst, A, {
      ...registration,
      registrationNumber: 'Y2',
      registeredOn: '2026-07-01',
    }).catch((e) => e);
    expect(future).toBeInstanceOf(ValidationError);
    const early = await releasePledge(deps, inst, A, {
      registrationNumber: 'Y2026110000123',
      releasedOn: '2025-12-31',
      reference: '注销通知',
    }).catch((e) => e);
    expect(early).toBeInstanceOf(ValidationError);
    const unknown = await releasePledge(deps, inst, A, {
      registrationNumber: 'Y-NONE',
      releasedOn: '2026-03-01',
      reference: '注销通知',
    }).catch((e) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
    const release = {
      registrationNumber: 'y2026110000123',
      releasedOn: '2026-03-01',
      reference: '注销通知 2026-045',
    };
    expect(await releasePledge(deps, inst, A, release)).toMatchObject({
      changed: true,
      pledge: { status: 'released', releasedOn: '2026-03-01' },
    });
    expect((await releasePledge(deps, inst, A, release)).changed).toBe(false);
    expect((await createDeal(deps, inst, license())).created).toBe(true);
  });

  it("a co-owned patent is pledged only with every co-owner's consent (专利法 art. 14 ¶2), kept on the pledge", async () => {
    addPatent(B, { coOwners: ['北京某某医疗科技有限公司', '张三'] });
    const writes = mem.writes.length;
    const refused = await recordPledge(deps, inst, B, registration).catch((e) => e);
    expect(refused.code).toBe('CO_OWNER_CONSENT_REQUIRED');
    expect(refused.statusCode).toBe(409);
    expect(refused.message).toContain('a pledge needs the consent of every co-owner');
    expect(refused.message).toContain('北京某某医疗科技有限公司、张三');
    expect(refused.message).toContain('coOwnerConsent: { consentedOn, reference }');
    expect(mem.writes).toHaveLength(writes);
    const future = await recordPledge(deps, inst, B, {
      ...registration,
      coOwnerConsent: { consentedOn: '2026-07-01', reference: '共有人同意书' },
    }).catch((e) => e);
    expect(future).toBeInstanceOf(ValidationError);
    const coOwnerConsent = { consentedOn: '2026-01-02', reference: '共有人同意书 2026-021' };
    const { created, pledge } = await recordPledge(deps, inst, B, { ...registration, coOwnerConsent });
    expect(created).toBe(true);
    expect(pledge.coOwnerConsent).toEqual(coOwnerConsent);
    expect(mem.patents.get(B)!.pledges![0]!.coOwnerConsent).toEqual(coOwnerConsent);
    // The same registration with another consent document is not the same record.
    const other = await recordPledge(deps, inst, B, {
      ...registration,
      coOwnerConsent: { ...coOwnerConsent, reference: '另一同意书' },
    }).catch((e) => e);
    expect(other).toBeInstanceOf(ConflictError);
    expect((await recordPledge(deps, inst, B, { ...registration, coOwnerConsent })).created).toBe(false);
  });

  it("department users may not record pledges (403); another institution's patent is 404", async () => {
    const departmentUser: Caller = { ...institutionUser(INST), department: '材料学院' };
    expect(await recordPledge(deps, departmentUser, A, registration).catch((e) => e)).toBeInstanceOf(
      ForbiddenError,
    );
    const foreign = await recordPledge(deps, institutionUser('91110000000000000X'), A, registration).catch(
      (e) => e,
    );
    expect(foreign).toBeInstanceOf(NotFoundError);
    expect(mem.patents.get(A)!.pledges).toBeUndefined();
  });
});

describe('open licensing', () => {
  const declaration = openLicenseDeclaration;

  it('utility models and designs need an evaluation report reference', async () => {
    addPatent(C, { patentType: 'utility-model' });
    const error = await declareOpenLicense(deps, inst, C, declaration).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details[0].field).toBe('evaluationReportRef');
    const ok = await declareOpenLicense(deps, inst, C, {
      ...declaration,
      evaluationReportRef: 'PJ2026000123',
    });
    expect(ok.openLicense.status).toBe('active');
    // The public declaration names the organization and role, not the declarer's Cognito sub.
    expect(ok.openLicense.declaredBy).not.toContain(inst.sub);
    expect(ok.openLicense.declaredBy).toMatch(/institution administrator/);
  });

  it('a declaration stored with a Cognito sub in declaredBy (before it named the organization) is read as the patentee with an unknown role, never the sub', async () => {
    const sub = '3f6c2a1e-9b0d-4c6e-8a47-2d1f0e9c5b7a';
    const old = {
      status: 'active' as const,
      applicationNumber: A,
      patentType: 'invention',
      patenteeUscc: INST,
      patenteeName: '清华大学',
      feeStandard: declaration.feeStandard,
      paymentMethod: declaration.paymentMethod,
      startDate: declaration.startDate,
      endDate: declaration.endDate,
      declaredAt: '2026-01-05T02:00:00.000Z',
      declaredBy: sub,
    };
    addPatent(A, { lifecycle: 'open-license', openLicense: old } as Partial<TransferPatent>);
    const shown = '清华大学（角色未知 / unknown role）';
    expect(publicOpenLicense(old).declaredBy).toBe(shown);
    // Without a patentee name: its code.
    expect(publicOpenLicense({ ...old, patenteeName: undefined }).declaredBy).toBe(
      `${INST}（角色未知 / unknown role）`,
    );
    // The current form is kept as it is.
    const current = { ...old, declaredBy: '清华大学（机构管理员 / institution administrator）' };
    expect(publicOpenLicense(current)).toEqual(current);
    expect((await getOpenLicense(deps, A)).declaredBy).toBe(shown);
    // The withdrawal stores (and answers) the mapped value: the sub leaves the data.
    const withdrawn = await withdrawOpenLicense(deps, inst, A, '转为独占许可谈判');
    expect(withdrawn.openLicense.declaredBy).toBe(shown);
    expect(JSON.stringify(mem.patents.get(A))).not.toContain(sub);
  });

  it('an enterprise takes it by notice + payment: an open license deal; withdrawal keeps the licenses granted', async () => {
    await declareOpenLicense(deps, inst, A, declaration);
    const short = await takeOpenLicense(deps, enterprise, A, {
      noticeDate: '2026-05-01',
      payment: { amountFen: 5_000_00, paidOn: '2026-05-02', reference: 'TX-1' },
    }).catch((e) => e);
    expect(short.details[0].field).toBe('payment.amountFen');
    const taken = await takeOpenLicense(deps, enterprise, A, {
      noticeDate: '2026-05-01',
      payment: { amountFen: 10_000_00, paidOn: '2026-05-02', reference: 'TX-1' },
    });
    expect(taken.deal).toMatchObject({
      kind: 'license',
      licenseType: 'open',
      origin: 'open-license',
      effectiveDate: '2026-05-02',
      filingDueDate: '2026-08-02',
    });
    const again = await takeOpenLicense(deps, enterprise, A, {
      noticeDate: '2026-05-01',
      payment: { amountFen: 10_000_00, paidOn: '2026-05-02', reference: 'TX-1' },
    });
    expect(again.created).toBe(false);
    expect(
      dealRefusal(mem.patents.get(A)!, { kind: 'license', licenseType: 'sole', effectiveDate: '2026-07-01' })
        ?.code,
    ).toBe('OPEN_LICENSE_ACTIVE');
    expect(mem.deals.get(taken.deal.dealId)!.filingStatus).toBe('pending');
    // A license taken under the open license keeps the patent open; the patentee may still withdraw.
    expect(mem.patents.get(A)!.lifecycle).toBe('open-license');
    const withdrawn = await withdrawOpenLicense(deps, inst, A, '转为独占许可谈判');
    expect(withdrawn).toMatchObject({ changed: true, openLicense: { status: 'withdrawn' } });
    expect(mem.patents.get(A)!.openLicense).toMatchObject({
      status: 'withdrawn',
      withdrawalReason: '转为独占许可谈判',
    });
    expect((await listOpenLicenses(deps, { limit: 25 })).items).toEqual([]);
    expect(mem.deals.get(taken.deal.dealId)).toMatchObject({ licenseType: 'open', filingStatus: 'pending' });
    expect((await withdrawOpenLicense(deps, inst, A, '转为独占许可谈判')).changed).toBe(false);
  });

  it('withdrawal from the open-license state goes back to listed with the reason; the deals stay', async () => {
    await declareOpenLicense(deps, inst, A, declaration);
    expect(
      (await listOpenLicenses(deps, { province: '110000', limit: 25 })).items.map((l) => l.applicationNumber),
    ).toEqual([A]);
    expect((await listOpenLicenses(deps, { province: '310000', limit: 25 })).items).toEqual([]);
    const { openLicense } = await withdrawOpenLicense(deps, inst, A, '拟独占许可');
    expect((await listOpenLicenses(deps, { limit: 25 })).items).toEqual([]);
    expect(openLicense).toMatchObject({ status: 'withdrawn', withdrawalReason: '拟独占许可' });
    expect(mem.patents.get(A)!.lifecycle).toBe('listed');
    expect((await createDeal(deps, inst, license({ licenseType: 'exclusive' }))).created).toBe(true);
  });

  it("CNIPA's announcement and the annual-fee reduction are recorded once, corrected with the reference replaced (专利法 art. 50-51)", async () => {
    const today = '2026-06-10';
    const departmentUser: Caller = { ...institutionUser(INST), department: '材料学院' };
    const publication = {
      reference: 'CN2026-KFXK-000123',
      publishedOn: today,
      annualFeeReduction: { ratePercent: 15 },
    };
    const noLicense = await recordOpenLicensePublication(deps, inst, A, publication).catch((e) => e);
    expect(noLicense).toBeInstanceOf(ConflictError);
    expect(noLicense.message).toContain('declare it first');
    await declareOpenLicense(deps, inst, A, declaration);
    const department = await recordOpenLicensePublication(deps, departmentUser, A, publication).catch(
      (e) => e,
    );
    expect(department).toBeInstanceOf(ForbiddenError);
    const early = await recordOpenLicensePublication(deps, inst, A, {
      ...publication,
      publishedOn: '2020-01-01',
    }).catch((e) => e);
    expect(early).toBeInstanceOf(ValidationError);
    const before = mem.patents.get(A)!.lifecycle;
    const first = await recordOpenLicensePublication(deps, inst, A, publication);
    expect(first.changed).toBe(true);
    expect(first.openLicense).toMatchObject({
      status: 'active',
      publication: { reference: 'CN2026-KFXK-000123', publishedOn: today },
      annualFeeReduction: { ratePercent: 15 },
    });
    expect(mem.patents.get(A)!.lifecycle).toBe(before);
    expect((await listOpenLicenses(deps, { limit: 25 })).items[0]).toMatchObject({
      publication: { reference: 'CN2026-KFXK-000123' },
    });
    expect((await recordOpenLicensePublication(deps, inst, A, publication)).changed).toBe(false);
    // A correction without the reduction: the reduction recorded before goes.
    const corrected = await recordOpenLicensePublication(deps, inst, A, {
      reference: 'CN2026-KFXK-000124',
      publishedOn: today,
    });
    expect(corrected.changed).toBe(true);
    expect(corrected.openLicense.publication?.reference).toBe('CN2026-KFXK-000124');
    expect(corrected.openLicense.annualFeeReduction).toBeUndefined();
  });
});

describe('products', () => {
  const product = {
    name: '激光器',
    applicationNumbers: [A],
    filingNumber: 'CPF-1',
    filingDate: '2026-06-01',
  };
  it('needs a deal on each patent (403 naming it); then the patents are industrialized, once per filing number', async () => {
    const refused = await createProduct(deps, enterprise, product).catch((e) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused.details).toEqual({ applicationNumbers: [A] });
    await createDeal(deps, inst, license());
    const { created } = await createProduct(deps, enterprise, product);
    expect(created).toBe(true);
    expect(mem.patents.get(A)).toMatchObject({
      lifecycle: 'industrialized',
      implementationStatus: 'industrialized',
    });
    expect((await createProduct(deps, enterprise, product)).created).toBe(false);
  });

  it('a patent that cannot take productFiled is 409 with the allowed events', async () => {
    await createDeal(deps, inst, license());
    mem.patents.get(A)!.lifecycle = 'expired';
    const error = await createProduct(deps, enterprise, { ...product, filingNumber: 'CPF-2' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error.details).toMatchObject({ current: 'expired', event: 'productFiled', allowed: [] });
  });
});

describe('legal checks on every transfer act (rules.ts legalRefusal)', () => {
  const patent = {
    applicationNumber: '202010123456.2',
    patentType: 'invention',
    applicationDate: '2020-03-10',
    legalStatus: 'valid',
  };
  const today = '2026-12-05';

  it('a valid patent within its term: nothing refused', () => {
    expect(
      legalRefusal(
        patent,
        { what: 'deal', kind: 'license', effectiveDate: today, endDate: '2040-03-09' },
        today,
      ),
    ).toBeUndefined();
  });

  it('a license on a 权利终止 patent is refused for every act, with what to do', () => {
    const lapsed = { ...patent, legalStatus: 'terminated' };
    for (const what of ['deal', 'open-license', 'open-license-take', 'filing'] as const) {
      const refusal = legalRefusal(lapsed, { what, kind: 'license', endDate: '2030-01-01' }, today);
      expect(refusal, what).toMatchObject({
        code: 'PATENT_NOT_IN_FORCE',
        details: { reason: 'lapsed', legalStatus: 'terminated' },
      });
      expect(refusal!.message).toContain('权利终止');
      expect(refusal!.message).toContain('remove the patent');
    }
    // The lifecycle says so too, whatever the stored legal status.
    expect(
      legalRefusal({ ...patent, lifecycle: 'lapsed' }, { what: 'deal', kind: 'assignment' }, today),
    ).toMatchObject({ code: 'PATENT_NOT_IN_FORCE' });
  });

  it('an agreement running past the statutory term is refused, naming the last day', () => {
    const refusal = legalRefusal(
      patent,
      { what: 'open-license', effectiveDate: '2027-01-01', endDate: '2060-12-31' },
      today,
    );
    expect(refusal).toMatchObject({
      code: 'TERM_ENDS_BEFORE_AGREEMENT',
      details: { termEndsOn: '2040-03-09', endDate: '2060-12-31' },
    });
    expect(refusal!.message).toContain('on or before 2040-03-09');
    // Ending on the last day of the term is fine.
    expect(
      legalRefusal(patent, { what: 'deal', kind: 'license', endDate: '2040-03-09' }, today),
    ).toBeUndefined();
  });

  it('expired by its term on the effective date: refused even if the record still says 有效', () => {
    const old = { ...patent, patentType: 'utility-model', applicationDate: '2017-01-15' };
    expect(
      legalRefusal(old, { what: 'deal', kind: 'assignment', effectiveDate: '2027-02-01' }, today),
    ).toMatchObject({ code: 'PATENT_NOT_IN_FORCE', details: { reason: 'expired' } });
    expect(
      legalRefusal(old, { what: 'deal', kind: 'assignment', effectiveDate: '2026-12-20' }, today),
    ).toBeUndefined();
  });

  it('a pending application may be assigned or contributed, not licensed', () => {
    const pending = { ...patent, legalStatus: 'pending' };
    expect(legalRefusal(pending, { what: 'deal', kind: 'assignment' }, today)).toBeUndefined();
    expect(legalRefusal(pending, { what: 'deal', kind: 'equity' }, today)).toBeUndefined();
    expect(legalRefusal(pending, { what: 'deal', kind: 'license' }, today)).toMatchObject({
      code: 'PATENT_NOT_IN_FORCE',
      details: { reason: 'not-granted' },
    });
    expect(legalRefusal(pending, { what: 'open-license' }, today)).toMatchObject({
      code: 'PATENT_NOT_IN_FORCE',
    });
  });
});
