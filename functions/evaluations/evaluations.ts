/**
 * Market evaluations (issue 4, items 4 and 5): an enterprise or expert evaluates a conversion-pool
 * patent (one evaluation per evaluator and patent, replaced by a later PUT, versioned); a matched
 * evaluator may decline its request instead; the institution (and the administrators of its scope)
 * read all evaluations with an aggregate, evaluators only their own. An enterprise's identity is shown
 * only while its current evaluation consents; an expert is shown by title unless it consents.
 *
 * Who may evaluate: a matched evaluator (the patent was pushed to it: a request exists), or a verified
 * enterprise that found the patent in the pool itself. Never the patent's own institution (an enterprise
 * whose code is the institution's, an expert affiliated with it): conflict of interest.
 *
 * When: while the window is open, and after it closed as long as the patent is available (issue 13
 * item 3, 持续完善): a late evaluation updates the aggregate and may re-tier the patent, at most once a
 * China calendar day (./late.ts).
 */

import { randomUUID } from 'node:crypto';
import { chinaDate } from '../../schemas/china-date.ts';
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import type {
  DeclinedRequest,
  DeclineRequest,
  EvaluationInput,
  EvaluationWindow,
  MyEvaluation,
  PatentEvaluation,
  PatentEvaluations,
  PatentTierState,
} from '../../schemas/evaluation.ts';
import type { Caller } from '../../schemas/roles.ts';
import { notAvailableError } from '../patents/availability.ts';
import { currentLifecycle } from '../pipeline/transitions.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { aggregateEvaluations } from './aggregate.ts';
import { expertHasConflict } from './conflict-of-interest.ts';
import { lateEvaluationPlan, takesLateEvaluations } from './late.ts';
import type {
  EvaluatedPatent,
  EvaluationDeps,
  EvaluationRequest,
  EvaluatorRef,
  StoredEvaluation,
} from './ports.ts';
import { closeEvaluationWindow, windowClosedError, windowView } from './window.ts';

const applicationNumberPattern = /^(\d{12}|\d{8})\.[\dX]$/;

/** The normalized application number of a path parameter (ZL / CN prefixes, full-width digits accepted). */
export function patentNumber(raw: string): string {
  const number = normalizeApplicationNumber(raw);
  if (!applicationNumberPattern.test(number)) {
    throw new ValidationError(
      `"${raw}" is not a patent application number: use the form 202010123456.2 (12 digits, '.', check character; ZL or CN prefixes are fine).`,
      [{ in: 'path', field: 'applicationNumber', message: 'not an application number' }],
    );
  }
  return number;
}

/** The evaluator a caller speaks for: its enterprise (custom:uscc) or the expert itself. */
export function evaluatorOf(caller: Caller): EvaluatorRef {
  if (caller.roles.includes('enterprise')) {
    if (!caller.orgUscc)
      throw new ForbiddenError(
        'Your enterprise account names no organization (custom:uscc): ask your administrator.',
      );
    return { kind: 'enterprise', id: caller.orgUscc };
  }
  if (caller.roles.includes('expert')) return { kind: 'expert', id: caller.sub };
  throw new ForbiddenError('Evaluations are given by enterprises and experts.');
}

const unique = <T>(values: readonly T[]) => [...new Set(values)];

function evaluationFields(e: StoredEvaluation) {
  return {
    industrializationProspect: e.industrializationProspect,
    maturityTrl: e.maturityTrl,
    improvementNeeds: {
      categories: e.improvementNeeds.categories,
      ...(e.improvementNeeds.text ? { text: e.improvementNeeds.text } : {}),
    },
    cooperationIntents: e.cooperationIntents,
    ...(e.priceExpectation ? { priceExpectation: e.priceExpectation } : {}),
    reasonCodes: e.reasonCodes,
    ...(e.comment ? { comment: e.comment } : {}),
  };
}

function myView(e: StoredEvaluation, window: EvaluationWindow): MyEvaluation {
  return {
    evaluationId: e.evaluationId,
    applicationNumber: e.applicationNumber,
    evaluatorKind: e.evaluatorKind,
    matched: e.matched,
    ...evaluationFields(e),
    consentToShareIdentity: e.consentToShareIdentity,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    version: e.version,
    window,
  };
}

/** 403 unless the evaluator may evaluate this patent at all (conflict of interest, verification). */
async function checkEvaluator(deps: EvaluationDeps, evaluator: EvaluatorRef, patent: EvaluatedPatent) {
  const conflict = (who: string) =>
    new ForbiddenError(
      `Patent ${patent.applicationNumber} belongs to ${who} (${patent.institutionUscc}): it is evaluated by others only (conflict of interest).`,
      { reason: 'conflict-of-interest' },
    );
  if (evaluator.kind === 'enterprise') {
    if (evaluator.id === patent.institutionUscc) throw conflict('your own organization');
    const enterprise = await deps.store.enterprise(evaluator.id);
    if (!enterprise) {
      throw new ForbiddenError(
        `Your enterprise ${evaluator.id} is not registered: register with POST /v1/enterprises; once the administrator of your province verifies it, you can evaluate.`,
        { reason: 'enterprise-not-verified', status: 'unregistered' },
      );
    }
    if (enterprise.status === 'pending') {
      throw new ForbiddenError(
        `Your enterprise ${evaluator.id} is still pending verification by the administrator of province ${enterprise.provinceCode}: only verified enterprises evaluate.`,
        { reason: 'enterprise-not-verified', status: 'pending' },
      );
    }
    if (enterprise.status !== 'verified') {
      throw new ForbiddenError(
        `The registration of your enterprise ${evaluator.id} was rejected${enterprise.rejectionReason ? `: ${enterprise.rejectionReason}` : ''}. Correct it and register again (POST /v1/enterprises); only verified enterprises evaluate.`,
        {
          reason: 'enterprise-not-verified',
          status: enterprise.status,
          ...(enterprise.rejectionReason ? { rejectionReason: enterprise.rejectionReason } : {}),
        },
      );
    }
    return;
  }
  const expert = await deps.store.expert(evaluator.id);
  if (!expert) {
    throw new ForbiddenError(
      'Register your expert profile first (PUT /v1/experts/me): its affiliation decides conflicts of interest.',
      { reason: 'expert-not-registered' },
    );
  }
  if (expertHasConflict(expert, patent)) throw conflict('the organization you work for');
  if (expert.active === false) {
    throw new ForbiddenError('Your expert profile is inactive: ask your administrator to reactivate it.', {
      reason: 'expert-inactive',
    });
  }
}

/** PUT /v1/patents/{applicationNumber}/evaluations/mine */
export async function submitEvaluation(
  deps: EvaluationDeps,
  caller: Caller,
  applicationNumber: string,
  input: EvaluationInput,
): Promise<{ created: boolean; evaluation: MyEvaluation }> {
  const number = patentNumber(applicationNumber);
  return submitEvaluationAs(deps, caller, evaluatorOf(caller), number, input);
}

const sameEvaluation = (e: StoredEvaluation, input: EvaluationInput) =>
  JSON.stringify([
    e.industrializationProspect,
    e.maturityTrl,
    [...e.improvementNeeds.categories].sort(),
    e.improvementNeeds.text ?? '',
    [...e.cooperationIntents].sort(),
    e.priceExpectation ?? null,
    [...e.reasonCodes].sort(),
    e.comment ?? '',
    e.consentToShareIdentity,
  ]) ===
  JSON.stringify([
    input.industrializationProspect,
    input.maturityTrl,
    unique(input.improvementNeeds.categories).sort(),
    input.improvementNeeds.text || '',
    unique(input.cooperationIntents).sort(),
    input.priceExpectation ?? null,
    unique(input.reasonCodes).sort(),
    input.comment || '',
    input.consentToShareIdentity,
  ]);

/**
 * The evaluation of `evaluator`, sent by `caller`: the evaluator itself (submitEvaluation), or a
 * province administrator feeding back an evaluation collected offline (bulk evaluation template,
 * functions/intake/evaluation-kind.ts) with `provinceCode` set: patents of other provinces are then
 * not found. `skipUnchanged`: an evaluation identical to the stored one is not written again
 * (`unchanged: true`). Same rules either way: pool membership, availability, conflict of interest,
 * verification, experts only on request, one evaluation per evaluator and patent (versioned), the
 * window; after it closed, a late evaluation (./late.ts: reevaluated or retiered, in the same transaction).
 */
export async function submitEvaluationAs(
  deps: EvaluationDeps,
  caller: Caller,
  evaluator: EvaluatorRef,
  applicationNumber: string,
  input: EvaluationInput,
  options: { provinceCode?: string; skipUnchanged?: boolean } = {},
): Promise<{ created: boolean; unchanged?: boolean; evaluation: MyEvaluation }> {
  const number = patentNumber(applicationNumber);
  const notInPool = () =>
    new NotFoundError(
      options.provinceCode
        ? `No patent ${number} in the conversion pool of province ${options.provinceCode}: only the pool patents of your province are evaluated here (GET /v1/patents?poolStatus=conversion lists them).`
        : `No patent ${number} in the conversion pool: only patents screened into the pool are evaluated (GET /v1/patents lists them, GET /v1/inbox your requests).`,
    );
  const inScope = (p: EvaluatedPatent | undefined): p is EvaluatedPatent =>
    p?.poolStatus === 'conversion' && (!options.provinceCode || p.provinceCode === options.provinceCode);
  let patent = await deps.store.patent(number);
  if (!inScope(patent)) throw notInPool();
  // Withdrawn, lapsed, expired, assigned, under an exclusive or sole license: no longer evaluated.
  const checkAvailable = (p: EvaluatedPatent) => {
    const unavailable = notAvailableError(p, chinaDate(deps.now()), {
      en: 'no longer evaluated',
      next: 'look for other patents of the conversion pool (GET /v1/patents?poolStatus=conversion) or your inbox (GET /v1/inbox).',
    });
    if (unavailable) throw unavailable;
  };
  checkAvailable(patent);
  await checkEvaluator(deps, evaluator, patent);
  const request = await deps.store.request(number, evaluator);
  if (evaluator.kind === 'expert' && !request) {
    throw new ForbiddenError(
      `Experts evaluate the patents pushed to them: ${number} is not in your inbox (GET /v1/inbox lists your requests).`,
      { reason: 'not-requested' },
    );
  }
  // The deadline passed but the daily sweep has not closed the window yet: close it now (as the sweep
  // would), so that the evaluation is taken as a late one.
  if (windowDue(patent, deps.now())) {
    await closeEvaluationWindow(deps, number, 'deadline');
    patent = await deps.store.patent(number);
    if (!inScope(patent)) throw notInPool();
  }
  const { expectedVersion, consentToShareIdentity, ...fields } = input;
  for (let attempt = 0; ; attempt++) {
    const now = deps.now();
    const existing = await deps.store.evaluation(number, evaluator);
    if (options.skipUnchanged && existing && expectedVersion === undefined && sameEvaluation(existing, input))
      return { created: false, unchanged: true, evaluation: myView(existing, windowView(patent)) };
    // After the window closed, evaluations are still taken while the patent is available (checked
    // above) and its state allows (functions/evaluations/late.ts); otherwise 409 as before.
    const late = patent.evaluationStatus === 'closed' && takesLateEvaluations(currentLifecycle(patent));
    const closed = late ? undefined : windowClosedError(patent, now);
    if (closed) throw closed;
    if (expectedVersion !== undefined && expectedVersion !== existing?.version) {
      throw new ConflictError(
        existing
          ? `Your evaluation of ${number} changed since you read it (version ${expectedVersion}, now ${existing.version}): read it again (GET .../evaluations/mine) and send your change again.`
          : `You have no evaluation of ${number} yet: send it without expectedVersion.`,
        { currentVersion: existing?.version ?? null },
      );
    }
    const at = now.toISOString();
    const evaluation: StoredEvaluation = {
      evaluationId: existing?.evaluationId ?? (deps.newId ?? randomUUID)(),
      applicationNumber: number,
      institutionUscc: patent.institutionUscc,
      provinceCode: patent.provinceCode,
      evaluatorKind: evaluator.kind,
      evaluatorId: evaluator.id,
      matched: Boolean(request) || Boolean(existing?.matched),
      industrializationProspect: fields.industrializationProspect,
      maturityTrl: fields.maturityTrl,
      improvementNeeds: {
        categories: unique(fields.improvementNeeds.categories),
        ...(fields.improvementNeeds.text ? { text: fields.improvementNeeds.text } : {}),
      },
      cooperationIntents: unique(fields.cooperationIntents),
      ...(fields.priceExpectation ? { priceExpectation: fields.priceExpectation } : {}),
      reasonCodes: unique(fields.reasonCodes),
      ...(fields.comment ? { comment: fields.comment } : {}),
      consentToShareIdentity,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
      version: (existing?.version ?? 0) + 1,
    };
    const audit = {
      action: existing ? 'evaluation.updated' : 'evaluation.submitted',
      context: { evaluatorKind: evaluator.kind, evaluatorId: evaluator.id, ...(late ? { late: true } : {}) },
    };
    if (late) {
      const plan = await lateEvaluationPlan(deps, patent, currentLifecycle(patent), evaluation, now);
      const outcome = await deps.store.saveLateEvaluation(
        evaluation,
        {
          previous: existing,
          markRequestEvaluated: Boolean(request),
          audit,
          patent,
          transition: plan.transition,
          ...(plan.retierDay ? { retierDay: plan.retierDay } : {}),
          ...(plan.tiering.outcome === 'deferred' ? { retierDueFrom: plan.tiering.retierFrom } : {}),
        },
        caller,
        at,
      );
      if (outcome === 'saved')
        return {
          created: !existing,
          evaluation: { ...myView(evaluation, windowView(patent)), tiering: plan.tiering },
        };
      if (outcome === 'stale') throw staleError(number);
      if (attempt >= 2) throw busyError(number);
      // The patent moved on (another evaluation, a deal ...): read it again, still available?
      patent = await deps.store.patent(number);
      if (!inScope(patent)) throw notInPool();
      checkAvailable(patent);
      continue;
    }
    const openWindow =
      patent.evaluationStatus === undefined
        ? {
            openedAt: at,
            deadline: new Date(now.getTime() + deps.settings.windowDays * 86_400_000).toISOString(),
            patent,
          }
        : undefined;
    const outcome = await deps.store.saveEvaluation(
      evaluation,
      {
        previous: existing,
        markRequestEvaluated: Boolean(request),
        openWindow,
        audit,
      },
      caller,
      at,
    );
    if (outcome === 'saved') {
      const known: EvaluationWindow = openWindow
        ? { status: 'open', openedAt: openWindow.openedAt, deadline: openWindow.deadline }
        : windowView(patent);
      const closing = await closeEvaluationWindow(deps, number, 'quorum');
      return { created: !existing, evaluation: myView(evaluation, closing.window ?? known) };
    }
    if (outcome === 'stale') throw staleError(number);
    if (attempt >= 2) throw busyError(number);
    patent = await deps.store.patent(number);
    if (!inScope(patent)) throw notInPool();
  }
}

const staleError = (number: string) =>
  new ConflictError(
    `Your evaluation of ${number} was changed at the same moment (another session of yours?): read it again (GET .../evaluations/mine) and send your change again.`,
  );
const busyError = (number: string) =>
  new ConflictError(`Patent ${number} changed while your evaluation was saved: send it again in a moment.`);

/** The window is open but its deadline passed (the daily sweep has not closed it yet). */
const windowDue = (patent: EvaluatedPatent, now: Date) =>
  patent.evaluationStatus === 'open' &&
  patent.evaluationDeadline !== undefined &&
  Date.parse(patent.evaluationDeadline) <= now.getTime();

/** GET /v1/patents/{applicationNumber}/evaluations/mine: the caller's own evaluation, 404 if none. */
export async function getMyEvaluation(
  deps: EvaluationDeps,
  caller: Caller,
  applicationNumber: string,
): Promise<MyEvaluation> {
  const number = patentNumber(applicationNumber);
  const evaluator = evaluatorOf(caller);
  const evaluation = await deps.store.evaluation(number, evaluator);
  if (!evaluation) {
    throw new NotFoundError(
      `You have not evaluated patent ${number}: send your evaluation with PUT /v1/patents/${number}/evaluations/mine.`,
    );
  }
  const patent = await deps.store.patent(number);
  return myView(evaluation, patent ? windowView(patent) : { status: 'none' });
}

async function institutionView(deps: EvaluationDeps, e: StoredEvaluation): Promise<PatentEvaluation> {
  const base: PatentEvaluation = {
    evaluationId: e.evaluationId,
    evaluatorKind: e.evaluatorKind,
    matched: e.matched,
    identityShared: false,
    ...evaluationFields(e),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    version: e.version,
  };
  if (e.evaluatorKind === 'enterprise') {
    // The consent of the CURRENT evaluation decides: withdrawing it hides the identity again.
    if (!e.consentToShareIdentity) return base;
    const enterprise = await deps.store.enterprise(e.evaluatorId);
    if (!enterprise) return base;
    const { name, phone, email } = enterprise.contact;
    return {
      ...base,
      identityShared: true,
      enterprise: {
        uscc: enterprise.uscc,
        name: enterprise.name,
        contact: { name, ...(phone ? { phone } : {}), ...(email ? { email } : {}) },
      },
    };
  }
  const expert = await deps.store.expert(e.evaluatorId);
  const title = expert?.title ?? '专家';
  if (!e.consentToShareIdentity || !expert) return { ...base, expert: { title } };
  return {
    ...base,
    identityShared: true,
    expert: {
      title,
      name: expert.name,
      affiliationUscc: expert.affiliationUscc,
      ...(expert.email ? { email: expert.email } : {}),
    },
  };
}

/**
 * GET /v1/patents/{applicationNumber}/evaluations: the owning institution, the admin of its province
 * and national admins. Anyone else (enterprises and experts included) gets a 404: an evaluator reads
 * only its own evaluation (.../evaluations/mine), never another's.
 */
export async function listEvaluations(
  deps: EvaluationDeps,
  caller: Caller,
  applicationNumber: string,
): Promise<PatentEvaluations> {
  const number = patentNumber(applicationNumber);
  const patent = await deps.store.patent(number);
  const inScope =
    patent &&
    (caller.roles.includes('national-admin') ||
      (caller.roles.includes('province-admin') && caller.provinceCode === patent.provinceCode) ||
      (caller.roles.includes('institution') && caller.orgUscc === patent.institutionUscc));
  if (!inScope) {
    const evaluatorOnly = caller.roles.every((r) => r === 'enterprise' || r === 'expert');
    throw new NotFoundError(
      evaluatorOnly
        ? `The evaluations of patent ${number} are shown to its institution; yours is at GET /v1/patents/${number}/evaluations/mine.`
        : `No patent ${number} in your scope: check the application number (GET /v1/patents lists yours).`,
    );
  }
  const evaluations = (await deps.store.evaluations(number)).sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.evaluationId.localeCompare(b.evaluationId),
  );
  return {
    applicationNumber: number,
    window: windowView(patent),
    ...(patent.tier ? { tiering: tierState(patent, patent.tier) } : {}),
    aggregate: aggregateEvaluations(evaluations),
    items: await Promise.all(evaluations.map((e) => institutionView(deps, e))),
  };
}

/** The tier of a tiered patent, its version and its last re-tier (or deferred one). */
function tierState(patent: EvaluatedPatent, tier: NonNullable<EvaluatedPatent['tier']>): PatentTierState {
  return {
    tier,
    tierVersion: patent.tierVersion ?? 1,
    ...(patent.tieredAt ? { tieredAt: patent.tieredAt } : {}),
    ...(patent.retieredAt ? { retieredAt: patent.retieredAt } : {}),
    ...(patent.tierReason ? { tierReason: patent.tierReason } : {}),
    ...(patent.tierDeferred ? { deferred: patent.tierDeferred } : {}),
  };
}

function requestView(r: EvaluationRequest): DeclinedRequest {
  return {
    applicationNumber: r.applicationNumber,
    status: r.status,
    ...(r.declinedAt ? { declinedAt: r.declinedAt } : {}),
    ...(r.declineReason ? { declineReason: r.declineReason } : {}),
  };
}

/** POST /v1/inbox/{applicationNumber}/decline: pending -> declined (declining twice changes nothing). */
export async function declineRequest(
  deps: EvaluationDeps,
  caller: Caller,
  applicationNumber: string,
  input: DeclineRequest,
): Promise<DeclinedRequest> {
  const number = patentNumber(applicationNumber);
  const evaluator = evaluatorOf(caller);
  const notInInbox = new NotFoundError(
    `No evaluation request for patent ${number} in your inbox: GET /v1/inbox lists yours.`,
  );
  for (let attempt = 0; attempt < 2; attempt++) {
    const request = await deps.store.request(number, evaluator);
    if (!request) throw notInInbox;
    if (request.status === 'declined') return requestView(request);
    if (request.status === 'evaluated') {
      throw new ConflictError(
        `You have evaluated patent ${number} already, so its request cannot be declined; change your evaluation with PUT /v1/patents/${number}/evaluations/mine instead.`,
        { currentState: 'evaluated', allowed: ['pending'] },
      );
    }
    const at = deps.now().toISOString();
    const reason = input.reason || undefined;
    if (await deps.store.declineRequest(number, evaluator, { reason, at }, caller)) {
      return requestView({
        ...request,
        status: 'declined',
        declinedAt: at,
        ...(reason ? { declineReason: reason } : {}),
      });
    }
  }
  throw new ConflictError(
    `The request for patent ${number} changed at the same moment: read your inbox again.`,
  );
}
