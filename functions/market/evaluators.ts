/**
 * The evaluators: enterprises register themselves and are verified by the admin of their province
 * (pending -> verified | rejected, with a reason; a rejected enterprise may register again); only
 * verified enterprises are in the matching index. Experts (users of the expert group, vetted when
 * their account is made) register their profile and are indexed for matching at once; the expert
 * pool (listing, commissions: functions/experts) takes them once their province verified them.
 */
import type { Enterprise, Expert, RegisterEnterprise, RegisterExpert } from '../../schemas/market.ts';
import type { Caller } from '../../schemas/roles.ts';
import { statusAfterSave } from '../experts/pool.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { interestKeys } from './matching.ts';

export interface EvaluatorStore {
  getEnterprise(uscc: string): Promise<Enterprise | undefined>;
  /** Creates, or replaces a rejected registration (version check); false if it changed meanwhile. */
  /**
   * Creates the profile, or replaces `previous` (the profile as read: the write is conditioned on its
   * version, and its fields are the audit entry's `before`); false when it changed meanwhile.
   */
  saveEnterprise(enterprise: Enterprise, previous: Enterprise | undefined, caller: Caller): Promise<boolean>;
  /**
   * Sets the decision on `previous` (the profile as read, version check) and, when verified, lists the
   * enterprise under its index keys.
   */
  decideEnterprise(
    enterprise: Enterprise,
    previous: Enterprise,
    indexKeys: string[],
    caller: Caller,
  ): Promise<boolean>;
  listEnterprises(
    provinceCode: string,
    status: Enterprise['status'],
    page: { limit: number; cursor?: string },
  ): Promise<{ items: Enterprise[]; nextCursor?: string }>;
  getExpert(expertId: string): Promise<Expert | undefined>;
  /**
   * Saves the profile (created, or replacing `previous`, the profile as read: conditioned on its
   * version) with its audit entry, and replaces its index entries (old keys removed, new ones added).
   */
  saveExpert(
    expert: Expert,
    previous: Expert | undefined,
    previousKeys: string[],
    keys: string[],
    caller: Caller,
  ): Promise<void>;
}

export interface EvaluatorDeps {
  store: EvaluatorStore;
  now: () => Date;
}

const isNational = (caller: Caller) => caller.roles.includes('national-admin');

export async function registerEnterprise(
  deps: EvaluatorDeps,
  caller: Caller,
  input: RegisterEnterprise & { usccChecksumValid?: boolean },
) {
  const selfRegistering = caller.roles.includes('enterprise');
  if (selfRegistering && caller.orgUscc !== input.uscc) {
    throw new ForbiddenError(
      `Your account belongs to ${caller.orgUscc ?? 'no organization'}: an enterprise registers itself only, not ${input.uscc}.`,
    );
  }
  if (!selfRegistering && !isNational(caller) && caller.provinceCode !== input.provinceCode) {
    throw new ForbiddenError(
      `You administer province ${caller.provinceCode}: register enterprises of that province only.`,
    );
  }
  const existing = await deps.store.getEnterprise(input.uscc);
  if (existing && existing.status !== 'rejected') {
    throw new ConflictError(
      `Enterprise ${input.uscc} is already registered (${existing.status}): read it with GET /v1/enterprises/${input.uscc}.`,
    );
  }
  const at = deps.now().toISOString();
  const { usccChecksumValid = true, ...fields } = input;
  const enterprise: Enterprise = {
    ...fields,
    status: 'pending',
    usccChecksumValid,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    version: (existing?.version ?? 0) + 1,
  };
  if (!(await deps.store.saveEnterprise(enterprise, existing, caller))) {
    throw new ConflictError(
      `Enterprise ${input.uscc} was registered by someone else at the same moment: read it and try again.`,
    );
  }
  return enterprise;
}

function mayAdminister(caller: Caller, enterprise: Enterprise) {
  return (
    isNational(caller) ||
    (caller.roles.includes('province-admin') && caller.provinceCode === enterprise.provinceCode)
  );
}

export async function getEnterprise(deps: EvaluatorDeps, caller: Caller, uscc: string) {
  const enterprise = await deps.store.getEnterprise(uscc);
  const own = caller.roles.includes('enterprise') && caller.orgUscc === uscc;
  if (!enterprise || !(own || mayAdminister(caller, enterprise))) {
    throw new NotFoundError(`No enterprise ${uscc} in your scope: check the code.`);
  }
  return enterprise;
}

export async function decideEnterprise(
  deps: EvaluatorDeps,
  caller: Caller,
  uscc: string,
  decision: { decision: 'verified' | 'rejected'; reason?: string },
) {
  const enterprise = await deps.store.getEnterprise(uscc);
  if (!enterprise || !mayAdminister(caller, enterprise))
    throw new NotFoundError(`No enterprise ${uscc} in your province: check the code.`);
  if (enterprise.status !== 'pending') {
    throw new ConflictError(
      `Enterprise ${uscc} is ${enterprise.status}; only a pending registration can be verified or rejected.`,
      {
        currentState: enterprise.status,
        allowed: ['pending'],
      },
    );
  }
  if (decision.decision === 'rejected' && !decision.reason) {
    throw new ValidationError(
      'Say why the registration is rejected, so the enterprise can fix it: add "reason".',
      [{ in: 'body', field: 'reason', message: 'required when rejecting' }],
    );
  }
  const decided: Enterprise = {
    ...enterprise,
    status: decision.decision,
    ...(decision.reason ? { rejectionReason: decision.reason } : {}),
    updatedAt: deps.now().toISOString(),
    version: enterprise.version + 1,
  };
  const keys = decision.decision === 'verified' ? interestKeys(enterprise) : [];
  if (!(await deps.store.decideEnterprise(decided, enterprise, keys, caller))) {
    throw new ConflictError(`Enterprise ${uscc} changed while you decided: read it again.`);
  }
  return decided;
}

export async function listEnterprises(
  deps: EvaluatorDeps,
  caller: Caller,
  query: { province?: string; status: Enterprise['status']; limit: number; cursor?: string },
) {
  const province = isNational(caller) ? query.province : caller.provinceCode;
  if (!province)
    throw new ValidationError('Name the province: add ?province=<GB/T 2260 code>.', [
      { in: 'query', field: 'province', message: 'required' },
    ]);
  if (!isNational(caller) && query.province && query.province !== province) {
    throw new ForbiddenError(
      `You administer province ${province}; you cannot list province ${query.province}.`,
    );
  }
  return deps.store.listEnterprises(province, query.status, query);
}

export async function registerExpert(deps: EvaluatorDeps, caller: Caller, input: RegisterExpert) {
  const existing = await deps.store.getExpert(caller.sub);
  const at = deps.now().toISOString();
  const expert: Expert = {
    expertId: caller.sub,
    ...input,
    active: true,
    // Verified by the administrator of its province before it joins the expert pool (functions/experts).
    ...statusAfterSave(existing, input),
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    version: (existing?.version ?? 0) + 1,
  };
  await deps.store.saveExpert(
    expert,
    existing,
    existing ? interestKeys(existing) : [],
    interestKeys(expert),
    caller,
  );
  return expert;
}

// ------------------------------------------------------------------ bulk registration (intake)

/** What a province administrator's bulk registration needs of the store (dynamoEvaluatorStore has it). */
export interface BulkEnterpriseStore {
  getEnterprise(uscc: string): Promise<Enterprise | undefined>;
  /**
   * Saves the enterprise as verified (created when `expectedVersion` is undefined, else replacing that
   * version) with its audit entry in one transaction, then replaces its matching-index entries
   * (`previousKeys` not in `keys` removed, `keys` written). false if the enterprise changed meanwhile.
   */
  /** As saveEnterprise (`previous`: the profile as read), and the index entries. */
  saveVerifiedEnterprise(
    enterprise: Enterprise,
    previous: Enterprise | undefined,
    previousKeys: string[],
    keys: string[],
    caller: Caller,
  ): Promise<boolean>;
}

export type BulkRegistrationOutcome =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'other-province'
  | 'changed-concurrently';

const registrationContent = (e: RegisterEnterprise | Enterprise) =>
  JSON.stringify([
    e.name,
    e.provinceCode,
    [...e.types].sort(),
    [...e.industryCodes].sort(),
    [...e.strategicIndustries].sort(),
    [...e.ipcInterests].sort(),
    e.contact.name,
    e.contact.phone ?? '',
    e.contact.email ?? '',
  ]);

/**
 * A province administrator registers an enterprise of its province from a bulk file: registered and
 * verified at once (the administrator is the one who verifies), and indexed for matching. A pending or
 * rejected registration of the same enterprise is replaced by the administrator's row and verified; a
 * verified one is updated (its index keys replaced) or left unchanged. An enterprise registered in
 * another province is not touched ('other-province').
 */
export async function registerEnterpriseVerified(
  deps: { store: BulkEnterpriseStore; now: () => Date },
  caller: Caller,
  input: RegisterEnterprise & { usccChecksumValid?: boolean },
): Promise<BulkRegistrationOutcome> {
  const administers =
    isNational(caller) ||
    (caller.roles.includes('province-admin') && caller.provinceCode === input.provinceCode);
  if (!administers) {
    throw new ForbiddenError(
      `Only the administrator of province ${input.provinceCode} registers its enterprises in bulk.`,
    );
  }
  const existing = await deps.store.getEnterprise(input.uscc);
  if (existing && existing.provinceCode !== input.provinceCode) return 'other-province';
  if (existing?.status === 'verified' && registrationContent(existing) === registrationContent(input))
    return 'unchanged';
  const at = deps.now().toISOString();
  const { usccChecksumValid = true, ...fields } = input;
  const enterprise: Enterprise = {
    ...fields,
    status: 'verified',
    usccChecksumValid,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    version: (existing?.version ?? 0) + 1,
  };
  const previousKeys = existing?.status === 'verified' ? interestKeys(existing) : [];
  const saved = await deps.store.saveVerifiedEnterprise(
    enterprise,
    existing,
    previousKeys,
    interestKeys(enterprise),
    caller,
  );
  if (!saved) return 'changed-concurrently';
  return existing ? 'updated' : 'created';
}
