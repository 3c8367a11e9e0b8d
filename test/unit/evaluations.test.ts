/** Market evaluations: the use-cases over an in-memory store that keeps the adapter's conditions. */
import { describe, expect, it } from 'vitest';
import { aggregateEvaluations, quorumReached } from '../../functions/evaluations/aggregate.ts';
import { runDeferredRetiers } from '../../functions/evaluations/deferred-retiers.ts';
import {
  declineRequest,
  getMyEvaluation,
  listEvaluations,
  submitEvaluation,
} from '../../functions/evaluations/evaluations.ts';
import {
  type EnterpriseProfile,
  type EvaluatedPatent,
  type EvaluationDeps,
  type EvaluationRequest,
  type EvaluationStore,
  type EvaluatorRef,
  type ExpertProfile,
  evaluationSettings,
  type StoredEvaluation,
} from '../../functions/evaluations/ports.ts';
import { lateTiering } from '../../functions/evaluations/tiering-deps.ts';
import {
  closeDueEvaluationWindows,
  closeEvaluationWindow,
  windowClosedError,
} from '../../functions/evaluations/window.ts';
import { planTransition, type TransitionRequest } from '../../functions/pipeline/transitions.ts';
import { defaultTieringRules } from '../../functions/promotion/tiering-rules.ts';
import { type AuditEntry, auditItem } from '../../functions/shared/audit.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import { type EvaluationInput, evaluationInputSchema } from '../../schemas/evaluation.ts';
import type { Caller } from '../../schemas/roles.ts';
import { beijingAdmin, institutionUser, nationalAdmin, shanghaiAdmin } from '../support/callers.ts';

const INSTITUTION = '12100000400000624D';
const NUMBER = '202010123456.2';
const OTHER_NUMBER = '202110234567.X';
const ENT_A = '91110000802100433B';
const ENT_B = '91440300MA5F1BQQ5D';
const ENT_PENDING = '91310000MA1FL0AB1C';
const ENT_REJECTED = '91320000MA1MXYZ12D';

const enterpriseCaller = (uscc: string, sub = `user-${uscc}`): Caller => ({
  sub,
  roles: ['enterprise'],
  orgUscc: uscc,
});
const expertCaller = (sub: string): Caller => ({ sub, roles: ['expert'] });
const entA = enterpriseCaller(ENT_A);
const entB = enterpriseCaller(ENT_B);

const input = (fields: Partial<Record<keyof EvaluationInput, unknown>> = {}): EvaluationInput =>
  evaluationInputSchema.parse({
    industrializationProspect: 4,
    maturityTrl: 6,
    improvementNeeds: { categories: ['pilot-scale-up'], text: '需要中试线验证' },
    cooperationIntents: ['license', 'joint-rnd'],
    reasonCodes: [],
    ...fields,
  });

const key = (n: string, e: EvaluatorRef) => `${n}|${e.kind}#${e.id}`;

/** An in-memory EvaluationStore with the same conditions as the DynamoDB adapter. */
function world(options: { now?: string; env?: Record<string, string> } = {}) {
  let clock = new Date(options.now ?? '2026-03-01T02:00:00.000Z');
  const patents = new Map<string, EvaluatedPatent & { evaluationAggregate?: unknown }>();
  const enterprises = new Map<string, EnterpriseProfile>();
  const experts = new Map<string, ExpertProfile>();
  const requests = new Map<string, EvaluationRequest>();
  const evaluations = new Map<string, StoredEvaluation>();
  const audits: AuditEntry[] = [];
  const events: Array<{
    sk: string;
    type: string;
    reason?: string;
    aggregate?: unknown;
    from?: string;
    to?: string;
    details?: Record<string, unknown>;
  }> = [];
  const retierDays = new Set<string>();
  /** DUE#retier entries: patent -> retierFrom. */
  const retierDue = new Map<string, string>();
  const applied = new Set<string>();
  const due = () =>
    [...patents.values()].filter((p) => p.evaluationStatus === 'open' && p.evaluationDeadline !== undefined);
  /**
   * As the adapter: the transition on the version read, the window closed, still in the pool; the
   * day's marker absent; the applied marker absent. Its audit entry and event; false: 'retry'.
   */
  const applyTransition = (
    write: { patent: EvaluatedPatent; transition: TransitionRequest; retierDay?: string },
    at: string,
  ) => {
    const n = write.patent.applicationNumber;
    const patent = patents.get(n);
    if (
      !patent ||
      patent.version !== write.patent.version ||
      patent.evaluationStatus !== 'closed' ||
      patent.poolStatus !== 'conversion' ||
      applied.has(write.transition.eventId) ||
      (write.retierDay !== undefined && retierDays.has(`${n}|${write.retierDay}`))
    )
      return false;
    const { from, to } = planTransition(write.patent, write.transition);
    for (const field of write.transition.remove ?? [])
      delete (patent as unknown as Record<string, unknown>)[field];
    Object.assign(patent, write.transition.set, { lifecycle: to, version: patent.version + 1 });
    if (write.retierDay !== undefined) retierDays.add(`${n}|${write.retierDay}`);
    applied.add(write.transition.eventId);
    audits.push(
      auditItem({
        kind: 'transition',
        pk: `PAT#${n}`,
        action: `lifecycle.${write.transition.event}`,
        caller: write.transition.actor,
        at,
        from,
        to,
        before: write.patent,
        after: write.transition.set ?? {},
        removed: write.transition.remove,
        version: patent.version,
        context: { event: write.transition.event, details: write.transition.details },
      }),
    );
    events.push({
      sk: `EVENT#${String(patent.version).padStart(6, '0')}#${write.transition.event}`,
      type: write.transition.event,
      from,
      to,
      ...(write.transition.details ? { details: write.transition.details } : {}),
    });
    return true;
  };
  const store: EvaluationStore = {
    async patent(n) {
      const p = patents.get(n);
      return p ? structuredClone(p) : undefined;
    },
    async enterprise(uscc) {
      return enterprises.get(uscc);
    },
    async expert(id) {
      return experts.get(id);
    },
    async request(n, e) {
      const r = requests.get(key(n, e));
      return r ? { ...r } : undefined;
    },
    async evaluation(n, e) {
      const v = evaluations.get(key(n, e));
      return v ? structuredClone(v) : undefined;
    },
    async evaluations(n) {
      return [...evaluations.values()]
        .filter((e) => e.applicationNumber === n)
        .map((e) => structuredClone(e));
    },
    async saveEvaluation(evaluation, write, caller, at) {
      const k = key(evaluation.applicationNumber, {
        kind: evaluation.evaluatorKind,
        id: evaluation.evaluatorId,
      });
      if (evaluations.get(k)?.version !== write.previous?.version) return 'stale';
      const patent = patents.get(evaluation.applicationNumber);
      if (patent?.poolStatus !== 'conversion') return 'retry';
      if (write.openWindow) {
        if (patent.evaluationStatus !== undefined) return 'retry';
        Object.assign(patent, {
          evaluationStatus: 'open',
          evaluationOpenedAt: write.openWindow.openedAt,
          evaluationDeadline: write.openWindow.deadline,
        });
      } else if (patent.evaluationStatus !== 'open' || !(patent.evaluationDeadline! > at)) return 'retry';
      evaluations.set(k, structuredClone(evaluation));
      // As the store: created, or updated with before / after from the evaluation read.
      audits.push(
        auditItem({
          ...(write.previous
            ? { kind: 'updated', before: write.previous, replaces: true }
            : { kind: 'created' as const }),
          pk: `PAT#${evaluation.applicationNumber}`,
          action: write.audit.action,
          caller,
          at,
          after: evaluation,
          version: evaluation.version,
          context: write.audit.context,
        }),
      );
      const request = requests.get(k);
      if (write.markRequestEvaluated && request)
        Object.assign(request, { status: 'evaluated', evaluatedAt: at });
      return 'saved';
    },
    async saveLateEvaluation(evaluation, write, caller, at) {
      const n = evaluation.applicationNumber;
      const k = key(n, { kind: evaluation.evaluatorKind, id: evaluation.evaluatorId });
      if (evaluations.get(k)?.version !== write.previous?.version) return 'stale';
      if (!applyTransition(write, at)) return 'retry';
      if (write.retierDueFrom) retierDue.set(n, write.retierDueFrom);
      evaluations.set(k, structuredClone(evaluation));
      audits.push(
        auditItem({
          ...(write.previous
            ? { kind: 'updated', before: write.previous, replaces: true }
            : { kind: 'created' as const }),
          pk: `PAT#${n}`,
          action: write.audit.action,
          caller,
          at,
          after: evaluation,
          version: evaluation.version,
          context: write.audit.context,
        }),
      );
      // The evaluation's entry first, then the transition's (as the adapter's items are ordered).
      audits.push(audits.splice(audits.length - 2, 1)[0]!);
      const request = requests.get(k);
      if (write.markRequestEvaluated && request)
        Object.assign(request, { status: 'evaluated', evaluatedAt: at });
      return 'saved';
    },
    async retieredOn(n, day) {
      return retierDays.has(`${n}|${day}`);
    },
    async dueRetiers(day) {
      return {
        entries: [...retierDue]
          .filter(([, from]) => from <= day)
          .map(([applicationNumber, retierFrom]) => ({ applicationNumber, retierFrom })),
      };
    },
    async saveDeferredRetier(write, at) {
      if (!applyTransition(write, at)) return 'retry';
      retierDue.delete(write.patent.applicationNumber);
      return 'saved';
    },
    async clearRetierDue(n, retierFrom) {
      if (retierDue.get(n) === retierFrom) retierDue.delete(n);
    },
    async declineRequest(n, e, decline, caller) {
      const request = requests.get(key(n, e));
      if (request?.status !== 'pending') return false;
      Object.assign(request, {
        status: 'declined',
        declinedAt: decline.at,
        ...(decline.reason ? { declineReason: decline.reason } : {}),
      });
      audits.push(
        auditItem({
          kind: 'updated',
          pk: `PAT#${n}`,
          action: 'evaluation-request.declined',
          caller,
          at: decline.at,
          before: { status: 'pending' },
          after: { status: 'declined', declinedAt: decline.at },
        }),
      );
      return true;
    },
    async closeWindow(read, close) {
      const patent = patents.get(read.applicationNumber);
      if (patent?.evaluationStatus !== 'open' || patent.version !== read.version) return false;
      Object.assign(patent, {
        evaluationStatus: 'closed',
        evaluationClosedAt: close.at,
        evaluationClosedReason: close.reason,
        evaluationAggregate: close.aggregate,
        version: patent.version + 1,
      });
      audits.push(
        auditItem({
          kind: 'transition',
          pk: `PAT#${patent.applicationNumber}`,
          action: 'lifecycle.evaluationClosed',
          caller: { sub: 'system:evaluation-window', roles: [] },
          at: close.at,
          from: 'under-evaluation',
          to: 'evaluated',
          before: read,
          after: { evaluationStatus: 'closed', evaluationClosedReason: close.reason },
        }),
      );
      events.push({
        sk: `EVENT#${String(patent.version).padStart(6, '0')}#evaluationClosed`,
        type: 'evaluationClosed',
        reason: close.reason,
        aggregate: close.aggregate,
      });
      return true;
    },
    async dueWindows(now, cursor) {
      // Pages of two, to walk the cursor; like LastEvaluatedKey, the cursor is the last key read.
      const after = (cursor?.after as string | undefined) ?? '';
      const all = due()
        .filter((p) => p.evaluationDeadline! <= now && p.applicationNumber > after)
        .map((p) => p.applicationNumber)
        .sort();
      const page = all.slice(0, 2);
      return { applicationNumbers: page, ...(all.length > 2 ? { next: { after: page[1] } } : {}) };
    },
  };
  const deps: EvaluationDeps = {
    store,
    now: () => clock,
    settings: evaluationSettings(options.env ?? {}),
    tiering: lateTiering(defaultTieringRules, []),
  };
  const addPatent = (n: string, fields: Partial<EvaluatedPatent> = {}) =>
    patents.set(n, {
      applicationNumber: n,
      institutionUscc: INSTITUTION,
      provinceCode: '110000',
      poolStatus: 'conversion',
      reviewStatus: 'approved',
      version: 4,
      evaluationStatus: 'open',
      evaluationOpenedAt: '2026-02-01T00:00:00.000Z',
      evaluationDeadline: '2026-04-02T00:00:00.000Z',
      ...fields,
    });
  const addEnterprise = (uscc: string, fields: Partial<EnterpriseProfile> = {}) =>
    enterprises.set(uscc, {
      uscc,
      name: `企业 ${uscc.slice(-4)}`,
      provinceCode: '440000',
      status: 'verified',
      contact: { name: '王经理', phone: '13800000000', email: 'bd@example.com' },
      ...fields,
    });
  const addExpert = (id: string, fields: Partial<ExpertProfile> = {}) =>
    experts.set(id, {
      expertId: id,
      name: `专家 ${id}`,
      title: '教授级高级工程师',
      affiliationUscc: '121000004000099999',
      email: `${id}@example.org`,
      active: true,
      ...fields,
    });
  const push = (n: string, e: EvaluatorRef) =>
    requests.set(key(n, e), {
      applicationNumber: n,
      evaluatorKind: e.kind,
      evaluatorId: e.id,
      status: 'pending',
    });
  addPatent(NUMBER);
  addEnterprise(ENT_A);
  addEnterprise(ENT_B);
  addEnterprise(ENT_PENDING, { status: 'pending' });
  addEnterprise(ENT_REJECTED, { status: 'rejected', rejectionReason: '营业执照与名称不符' });
  for (const id of ['exp-1', 'exp-2', 'exp-3']) addExpert(id);
  return {
    deps,
    patents,
    requests,
    evaluations,
    audits,
    events,
    retierDue,
    addPatent,
    addEnterprise,
    addExpert,
    push,
    setNow: (iso: string) => {
      clock = new Date(iso);
    },
  };
}

describe('evaluation input (the 400s of the route, from its zod schema)', () => {
  const parse = (fields: Record<string, unknown>) =>
    evaluationInputSchema.safeParse({
      industrializationProspect: 3,
      maturityTrl: 5,
      cooperationIntents: ['license'],
      ...fields,
    });

  it('prospect 0 or 6 (or not an integer) is rejected, 1 and 5 accepted', () => {
    for (const prospect of [0, 6, 2.5]) {
      const result = parse({ industrializationProspect: prospect });
      expect(result.success, String(prospect)).toBe(false);
      expect(result.error!.issues[0]!.path).toEqual(['industrializationProspect']);
    }
    expect(parse({ industrializationProspect: 0 }).error!.issues[0]!.message).toMatch(/1 \(poor\) to 5/);
    expect(parse({ industrializationProspect: 1 }).success).toBe(true);
    expect(parse({ industrializationProspect: 5 }).success).toBe(true);
    expect(parse({ maturityTrl: 10 }).success).toBe(false);
  });

  it('unknown reason codes are rejected with the allowed list', () => {
    const result = parse({ reasonCodes: ['too-early-stage', 'too-expensive'] });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path).toEqual(['reasonCodes', 1]);
    expect(issue.message).toBe(
      'unknown reason code "too-expensive": allowed are too-early-stage, benefit-unclear, commercial-route-unclear, description-unclear, too-costly-to-implement, market-too-small, ip-risk, other',
    );
  });

  it('"none" stands alone; a price range must not be inverted; texts are bounded', () => {
    expect(parse({ cooperationIntents: ['none', 'license'] }).error!.issues[0]!.message).toMatch(
      /"none" stands alone/,
    );
    expect(parse({ cooperationIntents: ['none'] }).success).toBe(true);
    expect(parse({ cooperationIntents: [] }).success).toBe(false);
    expect(parse({ cooperationIntents: ['licence'] }).error!.issues[0]!.message).toMatch(/allowed are none/);
    const inverted = parse({ priceExpectation: { minWan: 500, maxWan: 100 } });
    expect(inverted.error!.issues[0]!.path).toEqual(['priceExpectation', 'maxWan']);
    expect(parse({ priceExpectation: { minWan: 100, maxWan: 100 } }).success).toBe(true);
    expect(parse({ comment: 'x'.repeat(2001) }).success).toBe(false);
    expect(parse({ improvementNeeds: { categories: ['magic'] } }).success).toBe(false);
  });

  it('defaults: no consent, no reasons, no improvement categories', () => {
    expect(parse({}).data).toMatchObject({
      consentToShareIdentity: false,
      reasonCodes: [],
      improvementNeeds: { categories: [] },
    });
  });
});

describe('PUT .../evaluations/mine', () => {
  it('a matched enterprise evaluates: stored with an audit entry, its request becomes evaluated', async () => {
    const w = world();
    w.push(NUMBER, { kind: 'enterprise', id: ENT_A });
    const { created, evaluation } = await submitEvaluation(w.deps, entA, `ZL${NUMBER}`, input());
    expect(created).toBe(true);
    expect(evaluation).toMatchObject({
      applicationNumber: NUMBER,
      evaluatorKind: 'enterprise',
      matched: true,
      industrializationProspect: 4,
      version: 1,
      window: { status: 'open', deadline: '2026-04-02T00:00:00.000Z' },
    });
    expect(w.requests.get(`${NUMBER}|enterprise#${ENT_A}`)).toMatchObject({ status: 'evaluated' });
    expect(w.audits).toEqual([
      expect.objectContaining({
        pk: `PAT#${NUMBER}`,
        kind: 'created',
        action: 'evaluation.submitted',
        actor: entA.sub,
        after: expect.objectContaining({ evaluatorId: ENT_A, industrializationProspect: 4 }),
      }),
    ]);
  });

  it('an unmatched verified enterprise that found the patent in the pool may evaluate', async () => {
    const w = world();
    const { evaluation } = await submitEvaluation(w.deps, entB, NUMBER, input());
    expect(evaluation).toMatchObject({ matched: false, version: 1 });
  });

  it('a patent no longer on offer is not evaluated: 409 PATENT_NOT_AVAILABLE saying why and until when', async () => {
    const w = world();
    w.patents.set(NUMBER, {
      ...w.patents.get(NUMBER)!,
      lifecycle: 'licensed',
      exclusiveGrant: { dealId: 'd-9', licenseType: 'exclusive', endDate: '2035-12-31' },
    });
    const error = await submitEvaluation(w.deps, entB, NUMBER, input()).catch((e) => e);
    expect(error).toMatchObject({
      statusCode: 409,
      code: 'PATENT_NOT_AVAILABLE',
      details: { reason: 'exclusive-license', until: '2035-12-31' },
    });
    expect(error.message).toContain('after 2035-12-31');
    w.patents.set(NUMBER, { ...w.patents.get(NUMBER)!, exclusiveGrant: undefined, lifecycle: 'lapsed' });
    await expect(submitEvaluation(w.deps, entA, NUMBER, input())).rejects.toMatchObject({
      code: 'PATENT_NOT_AVAILABLE',
      details: { reason: 'lapsed' },
    });
    expect(await w.deps.store.evaluation(NUMBER, { kind: 'enterprise', id: ENT_B })).toBeUndefined();
  });

  it('a patent not in the pool (or unknown) is 404', async () => {
    const w = world();
    w.addPatent(OTHER_NUMBER, { poolStatus: 'base', evaluationStatus: undefined });
    await expect(submitEvaluation(w.deps, entA, OTHER_NUMBER, input())).rejects.toThrow(NotFoundError);
    await expect(submitEvaluation(w.deps, entA, '202210000001.5', input())).rejects.toThrow(
      /No patent 202210000001.5 in the conversion pool/,
    );
    await expect(submitEvaluation(w.deps, entA, 'not-a-number', input())).rejects.toThrow(ValidationError);
    expect(w.evaluations.size).toBe(0);
  });

  it("an institution's own patent is 403 (conflict of interest), for enterprises and affiliated experts", async () => {
    const w = world();
    w.addEnterprise(INSTITUTION);
    const own = await submitEvaluation(w.deps, enterpriseCaller(INSTITUTION), NUMBER, input()).catch(
      (e) => e,
    );
    expect(own).toBeInstanceOf(ForbiddenError);
    expect(own.message).toMatch(/conflict of interest/);
    expect(own.details).toEqual({ reason: 'conflict-of-interest' });
    w.addExpert('exp-own', { affiliationUscc: INSTITUTION });
    w.push(NUMBER, { kind: 'expert', id: 'exp-own' });
    await expect(submitEvaluation(w.deps, expertCaller('exp-own'), NUMBER, input())).rejects.toThrow(
      /organization you work for .*conflict of interest/,
    );
    expect(w.evaluations.size).toBe(0);
  });

  it('an unverified enterprise is 403 with the reason (pending, rejected with its reason, unregistered)', async () => {
    const w = world();
    const pending = await submitEvaluation(w.deps, enterpriseCaller(ENT_PENDING), NUMBER, input()).catch(
      (e) => e,
    );
    expect(pending).toBeInstanceOf(ForbiddenError);
    expect(pending.message).toMatch(/pending verification by the administrator of province 440000/);
    expect(pending.details).toEqual({ reason: 'enterprise-not-verified', status: 'pending' });
    const rejected = await submitEvaluation(w.deps, enterpriseCaller(ENT_REJECTED), NUMBER, input()).catch(
      (e) => e,
    );
    expect(rejected.message).toMatch(/rejected: 营业执照与名称不符/);
    expect(rejected.details).toEqual({
      reason: 'enterprise-not-verified',
      status: 'rejected',
      rejectionReason: '营业执照与名称不符',
    });
    const unknown = await submitEvaluation(
      w.deps,
      enterpriseCaller('91110108MA01ABCD2X'),
      NUMBER,
      input(),
    ).catch((e) => e);
    expect(unknown.details).toMatchObject({ status: 'unregistered' });
    await expect(
      submitEvaluation(w.deps, { sub: 'x', roles: ['enterprise'] }, NUMBER, input()),
    ).rejects.toThrow(/custom:uscc/);
    expect(w.evaluations.size).toBe(0);
  });

  it('experts evaluate on request only, and need a profile', async () => {
    const w = world();
    await expect(submitEvaluation(w.deps, expertCaller('exp-1'), NUMBER, input())).rejects.toThrow(
      /not in your inbox/,
    );
    w.push(NUMBER, { kind: 'expert', id: 'nobody' });
    await expect(submitEvaluation(w.deps, expertCaller('nobody'), NUMBER, input())).rejects.toThrow(
      /PUT \/v1\/experts\/me/,
    );
    w.push(NUMBER, { kind: 'expert', id: 'exp-1' });
    const { evaluation } = await submitEvaluation(w.deps, expertCaller('exp-1'), NUMBER, input());
    expect(evaluation).toMatchObject({ evaluatorKind: 'expert', matched: true });
  });

  it('a second PUT replaces the evaluation (same id, version + 1); a stale expectedVersion is 409', async () => {
    const w = world();
    const first = await submitEvaluation(
      w.deps,
      entA,
      NUMBER,
      input({ comment: '有兴趣', priceExpectation: { minWan: 50, maxWan: 80 } }),
    );
    w.setNow('2026-03-02T02:00:00.000Z');
    const second = await submitEvaluation(
      w.deps,
      entA,
      NUMBER,
      input({ industrializationProspect: 2, reasonCodes: ['too-early-stage'], expectedVersion: 1 }),
    );
    expect(second.created).toBe(false);
    expect(second.evaluation).toMatchObject({
      evaluationId: first.evaluation.evaluationId,
      createdAt: first.evaluation.createdAt,
      updatedAt: '2026-03-02T02:00:00.000Z',
      industrializationProspect: 2,
      reasonCodes: ['too-early-stage'],
      version: 2,
    });
    // PUT replaces: what the second one left out is gone.
    expect(second.evaluation).not.toHaveProperty('comment');
    expect(second.evaluation).not.toHaveProperty('priceExpectation');
    expect(w.audits.map((a) => a.action)).toEqual(['evaluation.submitted', 'evaluation.updated']);
    // The update's entry: exactly the fields that changed, each with the value replaced.
    expect(w.audits[1]).toMatchObject({
      kind: 'updated',
      version: 2,
      changes: {
        industrializationProspect: { before: 4, after: 2 },
        reasonCodes: { after: ['too-early-stage'] },
        // Replaced without them: removed.
        comment: { before: '有兴趣' },
        priceExpectation: { before: { minWan: 50, maxWan: 80 } },
      },
    });
    expect(w.audits[1]!.changes).not.toHaveProperty('evaluationId');

    const stale = await submitEvaluation(w.deps, entA, NUMBER, input({ expectedVersion: 1 })).catch((e) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.message).toMatch(/changed since you read it \(version 1, now 2\)/);
    expect(stale.details).toEqual({ currentVersion: 2 });
    await expect(submitEvaluation(w.deps, entB, NUMBER, input({ expectedVersion: 1 }))).rejects.toThrow(
      /no evaluation of .* yet/,
    );
    expect(w.evaluations.get(`${NUMBER}|enterprise#${ENT_A}`)!.version).toBe(2);
  });

  it('a write that lost the race on the evaluation version is 409, and nothing is overwritten', async () => {
    const w = world();
    await submitEvaluation(w.deps, entA, NUMBER, input());
    const save = w.deps.store.saveEvaluation;
    w.deps.store.saveEvaluation = async (...args) => {
      // Another session of the same enterprise writes between our read and our write.
      const current = w.evaluations.get(`${NUMBER}|enterprise#${ENT_A}`)!;
      w.evaluations.set(`${NUMBER}|enterprise#${ENT_A}`, { ...current, version: current.version + 1 });
      return save(...args);
    };
    await expect(submitEvaluation(w.deps, entA, NUMBER, input())).rejects.toThrow(
      /changed at the same moment/,
    );
  });

  it('lists are deduplicated', async () => {
    const w = world();
    const { evaluation } = await submitEvaluation(
      w.deps,
      entA,
      NUMBER,
      input({ cooperationIntents: ['license', 'license'], reasonCodes: ['ip-risk', 'ip-risk'] }),
    );
    expect(evaluation.cooperationIntents).toEqual(['license']);
    expect(evaluation.reasonCodes).toEqual(['ip-risk']);
  });

  it('the first evaluation of a pool patent without a window opens it (deadline from EVALUATION_WINDOW_DAYS)', async () => {
    const w = world({ env: { EVALUATION_WINDOW_DAYS: '30' } });
    w.addPatent(OTHER_NUMBER, {
      evaluationStatus: undefined,
      evaluationOpenedAt: undefined,
      evaluationDeadline: undefined,
    });
    const { evaluation } = await submitEvaluation(w.deps, entA, OTHER_NUMBER, input());
    expect(evaluation.window).toEqual({
      status: 'open',
      openedAt: '2026-03-01T02:00:00.000Z',
      deadline: '2026-03-31T02:00:00.000Z',
    });
    expect(w.patents.get(OTHER_NUMBER)).toMatchObject({ evaluationStatus: 'open' });
  });

  it('after the deadline (before the sweep ran) the evaluation closes the window (deadline) and is taken as a late one', async () => {
    const w = world({ now: '2026-04-02T00:00:01.000Z' });
    const { created, evaluation } = await submitEvaluation(w.deps, entA, NUMBER, input());
    expect(created).toBe(true);
    expect(evaluation.window).toMatchObject({ status: 'closed', closedReason: 'deadline' });
    // Not tiered yet: the pipeline's TierPatent task reads every evaluation, this one included.
    expect(evaluation.tiering).toEqual({ outcome: 'pending' });
    expect(w.events.map((e) => e.type)).toEqual(['evaluationClosed', 'reevaluated']);
    expect(w.patents.get(NUMBER)).toMatchObject({ evaluationAggregate: { count: 1 }, version: 6 });
  });

  it('a closed window of a patent whose state takes no evaluations (not approved) is still 409 naming the close date', async () => {
    const w = world();
    w.addPatent(NUMBER, {
      reviewStatus: 'submitted',
      evaluationStatus: 'closed',
      evaluationClosedAt: '2026-02-20T00:00:00.000Z',
      evaluationClosedReason: 'deadline',
    });
    const error = await submitEvaluation(w.deps, entA, NUMBER, input()).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/closed on 2026-02-20 \(its deadline passed\)/);
    expect(w.evaluations.size).toBe(0);
  });
});

describe('the evaluation window: quorum', () => {
  it('closes once when the quorum is reached (3 evaluations, at least 1 by an enterprise): aggregate stored, one evaluationClosed event', async () => {
    const w = world();
    for (const id of ['exp-1', 'exp-2', 'exp-3']) w.push(NUMBER, { kind: 'expert', id });
    await submitEvaluation(w.deps, expertCaller('exp-1'), NUMBER, input({ industrializationProspect: 3 }));
    await submitEvaluation(w.deps, expertCaller('exp-2'), NUMBER, input({ industrializationProspect: 5 }));
    const third = await submitEvaluation(w.deps, expertCaller('exp-3'), NUMBER, input());
    // Three experts but no enterprise: still open.
    expect(third.evaluation.window.status).toBe('open');
    expect(w.events).toHaveLength(0);

    w.setNow('2026-03-05T08:00:00.000Z');
    const fourth = await submitEvaluation(
      w.deps,
      entA,
      NUMBER,
      input({ industrializationProspect: 2, cooperationIntents: ['none'], reasonCodes: ['too-early-stage'] }),
    );
    expect(fourth.evaluation.window).toMatchObject({
      status: 'closed',
      closedAt: '2026-03-05T08:00:00.000Z',
      closedReason: 'quorum',
    });
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({
      sk: 'EVENT#000005#evaluationClosed',
      type: 'evaluationClosed',
      reason: 'quorum',
      aggregate: { count: 4, byKind: { enterprise: 1, expert: 3 }, prospect: { mean: 3.5 } },
    });
    expect(w.patents.get(NUMBER)).toMatchObject({
      evaluationStatus: 'closed',
      evaluationClosedReason: 'quorum',
      version: 5,
      evaluationAggregate: { count: 4 },
    });

    // Closed: a further evaluation, or a change to one, is still taken while the patent is available
    // (issue 13 item 3): stored, the aggregate on the patent updated, a reevaluated event; the patent is
    // not tiered yet (evaluated), so the tiering is pending (the TierPatent task reads every evaluation).
    const late = await submitEvaluation(w.deps, entB, NUMBER, input());
    expect(late).toMatchObject({ created: true, evaluation: { tiering: { outcome: 'pending' } } });
    const changed = await submitEvaluation(w.deps, entA, NUMBER, input());
    expect(changed).toMatchObject({ created: false, evaluation: { version: 2 } });
    expect(w.patents.get(NUMBER)).toMatchObject({
      evaluationStatus: 'closed',
      version: 7,
      evaluationAggregate: { count: 5 },
    });
    expect(w.events.map((e) => e.type)).toEqual(['evaluationClosed', 'reevaluated', 'reevaluated']);
    // Closing again (quorum or deadline) changes nothing.
    expect((await closeEvaluationWindow(w.deps, NUMBER, 'quorum')).outcome).toBe('already-closed');
    w.setNow('2026-05-01T00:00:00.000Z');
    expect((await closeEvaluationWindow(w.deps, NUMBER, 'deadline')).outcome).toBe('already-closed');
    expect(w.events).toHaveLength(3);
    expect(w.patents.get(NUMBER)!.version).toBe(7);
  });

  it('the quorum is configurable (EVALUATION_QUORUM, EVALUATION_QUORUM_ENTERPRISES)', async () => {
    expect(evaluationSettings({})).toEqual({ quorum: 3, quorumEnterprises: 1, windowDays: 60 });
    expect(
      evaluationSettings({
        EVALUATION_QUORUM: '2',
        EVALUATION_QUORUM_ENTERPRISES: '0',
        EVALUATION_WINDOW_DAYS: '45',
      }),
    ).toEqual({ quorum: 2, quorumEnterprises: 0, windowDays: 45 });
    expect(evaluationSettings({ EVALUATION_QUORUM: '0', EVALUATION_QUORUM_ENTERPRISES: 'x' })).toMatchObject({
      quorum: 3,
      quorumEnterprises: 1,
    });
    const w = world({ env: { EVALUATION_QUORUM: '2', EVALUATION_QUORUM_ENTERPRISES: '0' } });
    for (const id of ['exp-1', 'exp-2']) w.push(NUMBER, { kind: 'expert', id });
    await submitEvaluation(w.deps, expertCaller('exp-1'), NUMBER, input());
    const second = await submitEvaluation(w.deps, expertCaller('exp-2'), NUMBER, input());
    expect(second.evaluation.window).toMatchObject({ status: 'closed', closedReason: 'quorum' });
  });

  it('quorumReached counts evaluations and enterprises', () => {
    const settings = { quorum: 3, quorumEnterprises: 1 };
    expect(quorumReached({ count: 3, byKind: { enterprise: 1, expert: 2 } }, settings)).toBe(true);
    expect(quorumReached({ count: 3, byKind: { enterprise: 0, expert: 3 } }, settings)).toBe(false);
    expect(quorumReached({ count: 2, byKind: { enterprise: 2, expert: 0 } }, settings)).toBe(false);
  });
});

describe('the evaluation window: deadline', () => {
  it('the daily sweep closes the windows past their deadline (reason deadline), pages through them, and a second run changes nothing', async () => {
    const w = world();
    const due = ['202010000001.X', '202010000002.8', '202010000003.6'];
    for (const n of due) w.addPatent(n, { evaluationDeadline: '2026-03-10T00:00:00.000Z' });
    w.addPatent(OTHER_NUMBER, { evaluationDeadline: '2026-03-12T00:00:00.000Z' });
    await submitEvaluation(w.deps, entA, due[0]!, input({ industrializationProspect: 5 }));

    w.setNow('2026-03-10T18:30:00.000Z');
    const outcome = await closeDueEvaluationWindows(w.deps);
    expect(outcome).toEqual({ closed: 3, alreadyClosed: 0, notDue: 0, busy: 0, failed: [], complete: true });
    for (const n of due)
      expect(w.patents.get(n)).toMatchObject({
        evaluationStatus: 'closed',
        evaluationClosedReason: 'deadline',
      });
    expect(w.patents.get(OTHER_NUMBER)!.evaluationStatus).toBe('open');
    expect(w.patents.get(NUMBER)!.evaluationStatus).toBe('open');
    expect(w.events).toHaveLength(3);
    expect(w.events.map((e) => e.reason)).toEqual(['deadline', 'deadline', 'deadline']);
    expect(w.patents.get(due[0]!)!.evaluationAggregate).toMatchObject({ count: 1, prospect: { mean: 5 } });
    // No evaluations: count 0, no mean.
    expect(w.patents.get(due[1]!)!.evaluationAggregate).toMatchObject({ count: 0, prospect: {} });
    expect(w.patents.get(due[1]!)!.evaluationAggregate).not.toHaveProperty('prospect.mean');

    const again = await closeDueEvaluationWindows(w.deps);
    expect(again).toMatchObject({ closed: 0, failed: [] });
    expect(w.events).toHaveLength(3);
  });

  it('closeEvaluationWindow for the deadline before the deadline changes nothing', async () => {
    const w = world();
    expect((await closeEvaluationWindow(w.deps, NUMBER, 'deadline')).outcome).toBe('not-due');
    expect((await closeEvaluationWindow(w.deps, NUMBER, 'quorum')).outcome).toBe('not-due');
    expect((await closeEvaluationWindow(w.deps, '202210000001.5', 'deadline')).outcome).toBe('not-open');
    expect(w.events).toHaveLength(0);
  });

  it('a window of a patent that left the evaluation (withdrawn) is not closed as an evaluation', async () => {
    const w = world({ now: '2026-04-03T00:00:00.000Z' });
    w.patents.set(NUMBER, { ...w.patents.get(NUMBER)!, lifecycle: 'withdrawn' });
    expect((await closeEvaluationWindow(w.deps, NUMBER, 'deadline')).outcome).toBe('not-open');
    expect(w.events).toHaveLength(0);
  });

  it('a close that loses to a concurrent change of the patent re-reads it; to a concurrent close, it closes nothing', async () => {
    const w = world({ now: '2026-04-03T00:00:00.000Z' });
    const close = w.deps.store.closeWindow;
    let first = true;
    w.deps.store.closeWindow = async (patent, change) => {
      if (first) {
        first = false;
        // The quorum close of a concurrent evaluation wins the race.
        await close(patent, { ...change, reason: 'quorum' });
      }
      return close(patent, change);
    };
    expect((await closeEvaluationWindow(w.deps, NUMBER, 'deadline')).outcome).toBe('already-closed');
    expect(w.events).toHaveLength(1);
    expect(w.events[0]!.reason).toBe('quorum');
  });

  it('the sweep stops early when told (time budget) and reports it incomplete; a failure is reported, the rest still closed', async () => {
    const w = world({ now: '2026-05-01T00:00:00.000Z' });
    for (const n of ['202010000001.X', '202010000002.8', '202010000003.6'])
      w.addPatent(n, { evaluationDeadline: '2026-03-10T00:00:00.000Z' });
    const partial = await closeDueEvaluationWindows({ ...w.deps, shouldStop: () => true });
    expect(partial).toMatchObject({ closed: 2, complete: false });
    const evaluations = w.deps.store.evaluations;
    w.deps.store.evaluations = async (n) => {
      if (n === NUMBER) throw new Error('throttled');
      return evaluations(n);
    };
    const rest = await closeDueEvaluationWindows(w.deps);
    expect(rest).toMatchObject({ closed: 1, complete: true });
    expect(rest.failed).toEqual([{ applicationNumber: NUMBER, error: 'Error: throttled' }]);
  });

  it('windowClosedError names the China calendar day', () => {
    const patent: EvaluatedPatent = {
      applicationNumber: NUMBER,
      institutionUscc: INSTITUTION,
      provinceCode: '110000',
      poolStatus: 'conversion',
      version: 1,
      evaluationStatus: 'closed',
      evaluationClosedAt: '2026-03-05T17:00:00.000Z',
      evaluationClosedReason: 'deadline',
    };
    expect(windowClosedError(patent, new Date())!.message).toMatch(/closed on 2026-03-06/);
  });
});

describe('GET .../evaluations (institution) and .../evaluations/mine (evaluator)', () => {
  async function evaluated() {
    const w = world();
    w.push(NUMBER, { kind: 'enterprise', id: ENT_A });
    w.push(NUMBER, { kind: 'expert', id: 'exp-1' });
    await submitEvaluation(w.deps, entA, NUMBER, input({ consentToShareIdentity: true }));
    w.setNow('2026-03-01T03:00:00.000Z');
    await submitEvaluation(
      w.deps,
      entB,
      NUMBER,
      input({ industrializationProspect: 2, reasonCodes: ['benefit-unclear', 'market-too-small'] }),
    );
    w.setNow('2026-03-01T04:00:00.000Z');
    await submitEvaluation(
      w.deps,
      expertCaller('exp-1'),
      NUMBER,
      input({ improvementNeeds: { categories: [] } }),
    );
    return w;
  }

  it('the institution sees every evaluation and the aggregate; identity only with consent, experts by title', async () => {
    const w = await evaluated();
    const result = await listEvaluations(w.deps, institutionUser(INSTITUTION), NUMBER);
    expect(result.aggregate).toEqual({
      count: 3,
      byKind: { enterprise: 2, expert: 1 },
      prospect: { mean: 3.33, distribution: { '1': 0, '2': 1, '3': 0, '4': 2, '5': 0 } },
      maturityTrlMean: 6,
      cooperationIntents: {
        none: 0,
        license: 3,
        assignment: 0,
        equity: 0,
        'joint-rnd': 3,
        pilot: 0,
        'further-contact': 0,
      },
      improvementNeeds: {
        'pilot-scale-up': 2,
        'cost-reduction': 0,
        reliability: 0,
        performance: 0,
        'standards-certification': 0,
        integration: 0,
        other: 0,
      },
      reasonCodes: {
        'too-early-stage': 0,
        'benefit-unclear': 1,
        'commercial-route-unclear': 0,
        'description-unclear': 0,
        'too-costly-to-implement': 0,
        'market-too-small': 1,
        'ip-risk': 0,
        other: 0,
      },
    });
    // The window closed on the quorum with the third evaluation.
    expect(result.window).toMatchObject({ status: 'closed', closedReason: 'quorum' });
    const [a, b, expert] = result.items;
    expect(a).toMatchObject({
      evaluatorKind: 'enterprise',
      identityShared: true,
      matched: true,
      enterprise: {
        uscc: ENT_A,
        name: `企业 ${ENT_A.slice(-4)}`,
        contact: { name: '王经理', phone: '13800000000', email: 'bd@example.com' },
      },
    });
    expect(b).toMatchObject({ evaluatorKind: 'enterprise', identityShared: false, matched: false });
    expect(b).not.toHaveProperty('enterprise');
    expect(JSON.stringify(b)).not.toContain(ENT_B);
    expect(expert).toMatchObject({
      evaluatorKind: 'expert',
      identityShared: false,
      expert: { title: '教授级高级工程师' },
    });
    expect(expert!.expert).toEqual({ title: '教授级高级工程师' });
    expect(JSON.stringify(result)).not.toContain('exp-1');
  });

  it('withdrawing consent hides the identity again', async () => {
    const w = world();
    await submitEvaluation(w.deps, entA, NUMBER, input({ consentToShareIdentity: true }));
    const shown = await listEvaluations(w.deps, institutionUser(INSTITUTION), NUMBER);
    expect(shown.items[0]).toMatchObject({ identityShared: true, enterprise: { uscc: ENT_A } });
    await submitEvaluation(w.deps, entA, NUMBER, input({ consentToShareIdentity: false }));
    const hidden = await listEvaluations(w.deps, institutionUser(INSTITUTION), NUMBER);
    expect(hidden.items[0]).toMatchObject({ identityShared: false, version: 2 });
    expect(hidden.items[0]).not.toHaveProperty('enterprise');
    expect(JSON.stringify(hidden)).not.toContain(ENT_A);
    expect(JSON.stringify(hidden)).not.toContain('王经理');
  });

  it('an expert who consents is shown by name and affiliation', async () => {
    const w = world();
    w.push(NUMBER, { kind: 'expert', id: 'exp-2' });
    await submitEvaluation(w.deps, expertCaller('exp-2'), NUMBER, input({ consentToShareIdentity: true }));
    const { items } = await listEvaluations(w.deps, nationalAdmin, NUMBER);
    expect(items[0]).toMatchObject({
      identityShared: true,
      expert: { title: '教授级高级工程师', name: '专家 exp-2', affiliationUscc: '121000004000099999' },
    });
  });

  it("an enterprise never reads another enterprise's evaluation (404), only its own", async () => {
    const w = world();
    await submitEvaluation(w.deps, entA, NUMBER, input({ comment: 'A 的意见' }));
    const list = await listEvaluations(w.deps, entB, NUMBER).catch((e) => e);
    expect(list).toBeInstanceOf(NotFoundError);
    expect(list.message).toMatch(/evaluations\/mine/);
    await expect(listEvaluations(w.deps, entA, NUMBER)).rejects.toThrow(NotFoundError);
    await expect(listEvaluations(w.deps, expertCaller('exp-1'), NUMBER)).rejects.toThrow(NotFoundError);
    const mineB = await getMyEvaluation(w.deps, entB, NUMBER).catch((e) => e);
    expect(mineB).toBeInstanceOf(NotFoundError);
    expect(JSON.stringify({ message: mineB.message, details: mineB.details })).not.toContain('A 的意见');
    // Another user of enterprise A reads A's evaluation.
    const mineA = await getMyEvaluation(w.deps, enterpriseCaller(ENT_A, 'colleague'), NUMBER);
    expect(mineA).toMatchObject({
      comment: 'A 的意见',
      evaluatorKind: 'enterprise',
      window: { status: 'open' },
    });
  });

  it('scope: the owning institution, the admin of its province and national admins; others 404', async () => {
    const w = world();
    await submitEvaluation(w.deps, entA, NUMBER, input());
    await expect(listEvaluations(w.deps, beijingAdmin, NUMBER)).resolves.toMatchObject({
      aggregate: { count: 1 },
    });
    await expect(listEvaluations(w.deps, nationalAdmin, NUMBER)).resolves.toBeDefined();
    await expect(listEvaluations(w.deps, shanghaiAdmin, NUMBER)).rejects.toThrow(NotFoundError);
    await expect(listEvaluations(w.deps, institutionUser('121100004000018521'), NUMBER)).rejects.toThrow(
      /No patent .* in your scope/,
    );
    await expect(listEvaluations(w.deps, nationalAdmin, '202210000001.5')).rejects.toThrow(NotFoundError);
  });

  it('the aggregate of nothing has zero counts and no means', () => {
    expect(aggregateEvaluations([])).toMatchObject({ count: 0, byKind: { enterprise: 0, expert: 0 } });
    expect(aggregateEvaluations([]).prospect).not.toHaveProperty('mean');
    expect(aggregateEvaluations([])).not.toHaveProperty('maturityTrlMean');
  });
});

describe('POST /v1/inbox/{applicationNumber}/decline', () => {
  it('a matched evaluator declines (with a reason); declining again changes nothing', async () => {
    const w = world();
    w.push(NUMBER, { kind: 'expert', id: 'exp-1' });
    const declined = await declineRequest(w.deps, expertCaller('exp-1'), NUMBER, { reason: '领域不熟悉' });
    expect(declined).toEqual({
      applicationNumber: NUMBER,
      status: 'declined',
      declinedAt: '2026-03-01T02:00:00.000Z',
      declineReason: '领域不熟悉',
    });
    w.setNow('2026-03-02T00:00:00.000Z');
    expect(await declineRequest(w.deps, expertCaller('exp-1'), NUMBER, {})).toEqual(declined);
    expect(w.audits.filter((a) => a.action === 'evaluation-request.declined')).toHaveLength(1);
  });

  it('no request is 404; an evaluated request is 409; evaluating after declining is allowed', async () => {
    const w = world();
    await expect(declineRequest(w.deps, entA, NUMBER, {})).rejects.toThrow(
      /No evaluation request .* in your inbox/,
    );
    w.push(NUMBER, { kind: 'enterprise', id: ENT_A });
    await declineRequest(w.deps, entA, NUMBER, {});
    await submitEvaluation(w.deps, entA, NUMBER, input());
    expect(w.requests.get(`${NUMBER}|enterprise#${ENT_A}`)!.status).toBe('evaluated');
    w.push(NUMBER, { kind: 'enterprise', id: ENT_B });
    await submitEvaluation(w.deps, entB, NUMBER, input());
    const error = await declineRequest(w.deps, entB, NUMBER, {}).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details).toEqual({ currentState: 'evaluated', allowed: ['pending'] });
  });
});

describe('late evaluations: re-tiering (issue 13 item 3, 持续完善)', () => {
  /**
   * On 2026-03-10 (China date): a 4th evaluation re-tiers the patent high-value, a 5th gives ordinary
   * again and is deferred to 2026-03-11 (the day's re-tier used).
   */
  async function deferredRetier() {
    const w = world({ now: '2026-03-10T02:00:00.000Z' });
    await tiered(w);
    await submitEvaluation(
      w.deps,
      entA,
      NUMBER,
      input({ industrializationProspect: 5, cooperationIntents: ['license'] }),
    );
    await submitEvaluation(
      w.deps,
      entB,
      NUMBER,
      input({ industrializationProspect: 1, cooperationIntents: ['none'] }),
    );
    return w;
  }

  /** A patent tiered ordinary after 3 evaluations (prospects 4, 4, 3, nobody interested). */
  async function tiered(w: ReturnType<typeof world>) {
    w.addPatent(NUMBER, {
      lifecycle: 'listed',
      patentType: 'invention',
      tier: 'ordinary',
      tierVersion: 1,
      version: 9,
      evaluationStatus: 'closed',
      evaluationClosedAt: '2026-03-01T00:00:00.000Z',
      evaluationClosedReason: 'quorum',
    });
    const none = { cooperationIntents: ['none'] };
    for (const [id, prospect] of [
      ['exp-1', 4],
      ['exp-2', 4],
      ['exp-3', 3],
    ] as const) {
      w.push(NUMBER, { kind: 'expert', id });
      w.evaluations.set(`${NUMBER}|expert#${id}`, {
        evaluationId: `e-${id}`,
        applicationNumber: NUMBER,
        institutionUscc: INSTITUTION,
        provinceCode: '110000',
        evaluatorKind: 'expert',
        evaluatorId: id,
        matched: true,
        industrializationProspect: prospect,
        maturityTrl: 5,
        improvementNeeds: { categories: [] },
        cooperationIntents: none.cooperationIntents as StoredEvaluation['cooperationIntents'],
        reasonCodes: [],
        consentToShareIdentity: false,
        createdAt: '2026-02-20T00:00:00.000Z',
        updatedAt: '2026-02-20T00:00:00.000Z',
        version: 1,
      });
    }
  }

  it('a 4th evaluation that changes the outcome re-tiers: versioned, with the reason, event and audit entry', async () => {
    const w = world({ now: '2026-03-10T02:00:00.000Z' });
    await tiered(w);
    const { created, evaluation } = await submitEvaluation(
      w.deps,
      entA,
      NUMBER,
      input({ industrializationProspect: 5, cooperationIntents: ['license'] }),
    );
    expect(created).toBe(true);
    expect(evaluation.window).toMatchObject({ status: 'closed', closedReason: 'quorum' });
    expect(evaluation.tiering).toEqual({
      outcome: 'retiered',
      tier: 'high-value',
      previousTier: 'ordinary',
      tierVersion: 2,
    });
    const patent = w.patents.get(NUMBER) as unknown as Record<string, unknown>;
    expect(patent).toMatchObject({
      lifecycle: 'high-value',
      tier: 'high-value',
      tierVersion: 2,
      version: 10,
      retieredAt: '2026-03-10T02:00:00.000Z',
      tierReason: { from: 'ordinary', to: 'high-value', evaluations: 4, prospectMean: 4 },
      evaluationAggregate: { count: 4, prospect: { mean: 4 } },
      // A promotion window starts (180 days), as after a first tiering to high value.
      promotionDueAt: '2026-09-06T02:00:00.000Z',
      gsi3pk: 'DUE#promotion',
    });
    expect((patent.tierReason as { summary: string }).summary).toMatch(
      /from ordinary to high-value .*4 evaluations, mean prospect 4/,
    );
    expect(w.events.at(-1)).toMatchObject({
      sk: 'EVENT#000010#retiered',
      type: 'retiered',
      from: 'listed',
      to: 'high-value',
      details: { from: 'ordinary', to: 'high-value', evaluations: 4, tierVersion: 2 },
    });
    // The history names no evaluator for the transition (the evaluation's own entry does).
    expect(w.audits.map((a) => [a.action, a.actor])).toEqual([
      ['evaluation.submitted', entA.sub],
      ['lifecycle.retiered', 'system:late-evaluation'],
    ]);
    expect(w.audits[0]!.context).toMatchObject({ late: true });
  });

  it('a 5th the same day is stored and updates the aggregate, but the re-tier is deferred (once a day); the next day an evaluation re-tiers', async () => {
    const w = world({ now: '2026-03-10T02:00:00.000Z' });
    await tiered(w);
    await submitEvaluation(
      w.deps,
      entA,
      NUMBER,
      input({ industrializationProspect: 5, cooperationIntents: ['license'] }),
    );
    // 15:59 UTC is 23:59 in China: still the same China day.
    w.setNow('2026-03-10T15:59:00.000Z');
    const fifth = await submitEvaluation(
      w.deps,
      entB,
      NUMBER,
      input({ industrializationProspect: 1, cooperationIntents: ['none'] }),
    );
    expect(fifth.created).toBe(true);
    expect(fifth.evaluation.tiering).toEqual({
      outcome: 'deferred',
      tier: 'high-value',
      outcomeTier: 'ordinary',
      retierFrom: '2026-03-11',
    });
    expect(w.evaluations.get(`${NUMBER}|enterprise#${ENT_B}`)).toMatchObject({
      industrializationProspect: 1,
    });
    expect(w.patents.get(NUMBER)).toMatchObject({
      lifecycle: 'high-value',
      tier: 'high-value',
      tierVersion: 2,
      version: 11,
      evaluationAggregate: { count: 5, prospect: { mean: 3.4 } },
      tierDeferred: { tier: 'ordinary', since: '2026-03-10T15:59:00.000Z', evaluations: 5 },
    });
    expect(w.events.map((e) => e.type)).toEqual(['retiered', 'reevaluated']);
    expect(w.events.at(-1)!.details).toMatchObject({
      tiering: 'deferred',
      from: 'high-value',
      to: 'ordinary',
    });
    // The institution sees the tier, its version and the deferred re-tier with the evaluations.
    const listed = await listEvaluations(w.deps, institutionUser(INSTITUTION), NUMBER);
    expect(listed.tiering).toMatchObject({
      tier: 'high-value',
      tierVersion: 2,
      tierReason: { from: 'ordinary', to: 'high-value' },
      deferred: { tier: 'ordinary' },
    });
    expect(listed.aggregate.count).toBe(5);

    // 16:00 UTC is the next China day: a change of an evaluation re-tiers (back to ordinary: listed,
    // the promotion ended, nothing deferred any more).
    w.setNow('2026-03-10T16:00:00.000Z');
    const next = await submitEvaluation(
      w.deps,
      entB,
      NUMBER,
      input({ industrializationProspect: 2, cooperationIntents: ['none'] }),
    );
    expect(next.evaluation.tiering).toMatchObject({ outcome: 'retiered', tier: 'ordinary', tierVersion: 3 });
    const patent = w.patents.get(NUMBER) as unknown as Record<string, unknown>;
    expect(patent).toMatchObject({ lifecycle: 'listed', tier: 'ordinary', tierVersion: 3 });
    expect(patent.tierDeferred).toBeUndefined();
    expect(patent.promotionDueAt).toBeUndefined();
    expect(w.events.map((e) => e.type)).toEqual(['retiered', 'reevaluated', 'retiered']);
  });

  it('a deferred re-tier is run by the daily sweep from the next China day, once; a stale entry is cleared', async () => {
    const w = await deferredRetier();
    expect(w.retierDue.get(NUMBER)).toBe('2026-03-11');
    // The same China day: not due yet.
    expect((await runDeferredRetiers(w.deps)).totals).toMatchObject({ retiered: 0, cleared: 0 });
    expect(w.patents.get(NUMBER)).toMatchObject({ tier: 'high-value', tierDeferred: { tier: 'ordinary' } });

    // 02:30 China time the next day (the sweep's hour): re-tiered by the rules, the entry gone.
    w.setNow('2026-03-10T18:30:00.000Z');
    const run = await runDeferredRetiers(w.deps);
    expect(run).toMatchObject({ totals: { retiered: 1, failed: 0 }, rounds: 1, more: false, failures: [] });
    const patent = w.patents.get(NUMBER) as unknown as Record<string, unknown>;
    expect(patent).toMatchObject({ lifecycle: 'listed', tier: 'ordinary', tierVersion: 3 });
    expect(patent.tierDeferred).toBeUndefined();
    expect(patent.promotionDueAt).toBeUndefined();
    expect((patent.tierReason as { summary: string }).summary).toContain('by the daily sweep');
    expect(w.audits.at(-1)).toMatchObject({ action: 'lifecycle.retiered', actor: 'system:deadline-sweep' });
    expect(w.events.map((e) => e.type)).toEqual(['retiered', 'reevaluated', 'retiered']);
    expect(w.retierDue.size).toBe(0);
    // Run again: nothing to do.
    expect((await runDeferredRetiers(w.deps)).totals).toMatchObject({ retiered: 0, cleared: 0 });

    // An entry whose patent has nothing deferred any more (a later evaluation re-tiered it): cleared.
    w.retierDue.set(NUMBER, '2026-03-11');
    expect((await runDeferredRetiers(w.deps)).totals).toMatchObject({ retiered: 0, cleared: 1 });
    expect(w.retierDue.size).toBe(0);
    expect(w.events).toHaveLength(3);
  });

  it('a patent no longer available when the sweep comes (lapsed since) is not re-tiered: the entry is cleared', async () => {
    const w = await deferredRetier();
    Object.assign(w.patents.get(NUMBER)!, { legalStatus: 'terminated' });
    w.setNow('2026-03-10T18:30:00.000Z');
    expect((await runDeferredRetiers(w.deps)).totals).toMatchObject({ retiered: 0, cleared: 1 });
    expect(w.patents.get(NUMBER)).toMatchObject({ tier: 'high-value', tierVersion: 2 });
    expect(w.events.map((e) => e.type)).toEqual(['retiered', 'reevaluated']);
    expect(w.retierDue.size).toBe(0);
  });

  it('the sweep finds the outcome back at the current tier: tierDeferred cleared without a re-tier', async () => {
    const w = await deferredRetier();
    // Meanwhile (as if the evaluation were changed back the same day, in the store): 5 again.
    const b = w.evaluations.get(`${NUMBER}|enterprise#${ENT_B}`)!;
    w.evaluations.set(`${NUMBER}|enterprise#${ENT_B}`, {
      ...b,
      industrializationProspect: 5,
      cooperationIntents: ['license'],
    });
    w.setNow('2026-03-10T18:30:00.000Z');
    const run = await runDeferredRetiers(w.deps);
    expect(run.totals).toMatchObject({ retiered: 0, unchanged: 1 });
    const patent = w.patents.get(NUMBER) as unknown as Record<string, unknown>;
    expect(patent).toMatchObject({ lifecycle: 'high-value', tier: 'high-value', tierVersion: 2 });
    expect(patent.tierDeferred).toBeUndefined();
    expect(w.events.map((e) => e.type)).toEqual(['retiered', 'reevaluated', 'reevaluated']);
    expect(w.events.at(-1)!.details).toMatchObject({ tiering: 'unchanged' });
    expect(w.retierDue.size).toBe(0);
  });

  it('a late evaluation that keeps the outcome changes the aggregate only (reevaluated, unchanged)', async () => {
    const w = world({ now: '2026-03-10T02:00:00.000Z' });
    await tiered(w);
    const { evaluation } = await submitEvaluation(
      w.deps,
      entA,
      NUMBER,
      input({ industrializationProspect: 2, cooperationIntents: ['none'] }),
    );
    expect(evaluation.tiering).toEqual({ outcome: 'unchanged', tier: 'ordinary' });
    expect(w.patents.get(NUMBER)).toMatchObject({
      lifecycle: 'listed',
      tier: 'ordinary',
      tierVersion: 1,
      version: 10,
      evaluationAggregate: { count: 4 },
    });
    expect(w.events.map((e) => e.type)).toEqual(['reevaluated']);
  });

  it('two concurrent evaluations that both change the outcome re-tier once: the other is stored, deferred', async () => {
    const w = world({ now: '2026-03-10T02:00:00.000Z' });
    await tiered(w);
    const strong = input({ industrializationProspect: 5, cooperationIntents: ['license'] });
    const [a, b] = await Promise.all([
      submitEvaluation(w.deps, entA, NUMBER, strong),
      submitEvaluation(w.deps, entB, NUMBER, strong),
    ]);
    const outcomes = [a.evaluation.tiering?.outcome, b.evaluation.tiering?.outcome].sort();
    // The loser re-read the patent: re-tiered already, the same tier: unchanged.
    expect(outcomes).toEqual(['retiered', 'unchanged']);
    expect(w.events.filter((e) => e.type === 'retiered')).toHaveLength(1);
    expect(w.evaluations.size).toBe(5);
    expect(w.patents.get(NUMBER)).toMatchObject({ tierVersion: 2, evaluationAggregate: { count: 5 } });
  });

  it('a tiered patent no longer available refuses late evaluations as before (409 PATENT_NOT_AVAILABLE)', async () => {
    const w = world({ now: '2026-03-10T02:00:00.000Z' });
    await tiered(w);
    w.patents.set(NUMBER, { ...w.patents.get(NUMBER)!, legalStatus: 'terminated' });
    await expect(
      submitEvaluation(w.deps, entA, NUMBER, input({ industrializationProspect: 5 })),
    ).rejects.toMatchObject({ statusCode: 409, code: 'PATENT_NOT_AVAILABLE', details: { reason: 'lapsed' } });
    w.patents.set(NUMBER, {
      ...w.patents.get(NUMBER)!,
      legalStatus: undefined,
      lifecycle: 'licensed',
      exclusiveGrant: { dealId: 'd-1', licenseType: 'sole', endDate: '2030-01-01' },
    });
    await expect(submitEvaluation(w.deps, entA, NUMBER, input())).rejects.toMatchObject({
      code: 'PATENT_NOT_AVAILABLE',
      details: { reason: 'sole-license' },
    });
    expect(w.evaluations.size).toBe(3);
    expect(w.events).toHaveLength(0);
  });

  it('an exclusive license recorded while a late evaluation was saved: re-read, 409 PATENT_NOT_AVAILABLE, nothing stored', async () => {
    const w = world({ now: '2026-03-10T02:00:00.000Z' });
    await tiered(w);
    const save = w.deps.store.saveLateEvaluation.bind(w.deps.store);
    w.deps.store.saveLateEvaluation = async (...args) => {
      // The deal's transaction commits first: the patent's version moved on.
      const patent = w.patents.get(NUMBER)!;
      Object.assign(patent, {
        lifecycle: 'licensed',
        version: patent.version + 1,
        exclusiveGrant: { dealId: 'd-2', licenseType: 'exclusive', endDate: '2031-01-01' },
      });
      w.deps.store.saveLateEvaluation = save;
      return save(...args);
    };
    await expect(
      submitEvaluation(w.deps, entA, NUMBER, input({ industrializationProspect: 5 })),
    ).rejects.toMatchObject({ code: 'PATENT_NOT_AVAILABLE', details: { reason: 'exclusive-license' } });
    expect(w.evaluations.size).toBe(3);
    expect(w.events).toHaveLength(0);
  });

  it('authorization is unchanged after the window: an unrequested expert 403, the own institution 403', async () => {
    const w = world({ now: '2026-03-10T02:00:00.000Z' });
    await tiered(w);
    w.addExpert('exp-9');
    await expect(submitEvaluation(w.deps, expertCaller('exp-9'), NUMBER, input())).rejects.toMatchObject({
      details: { reason: 'not-requested' },
    });
    w.addEnterprise(INSTITUTION);
    await expect(
      submitEvaluation(w.deps, enterpriseCaller(INSTITUTION), NUMBER, input()),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      submitEvaluation(w.deps, enterpriseCaller(ENT_PENDING), NUMBER, input()),
    ).rejects.toMatchObject({ details: { reason: 'enterprise-not-verified' } });
    expect(w.evaluations.size).toBe(3);
  });
});
