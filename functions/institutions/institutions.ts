/**
 * Institution use-cases. Plain functions over a store port, so they are tested without AWS.
 * Scope rules: a national admin sees every institution; a province admin only its province
 * (and registers / updates only there); a ministry admin (custom:ministry) only the institutions its
 * ministry supervises, in every province, read-only; an institution user only its own. Outside the
 * scope the answer is 404, never 403, so that codes do not leak.
 *
 * The supervising department and pilot / demonstration status: schemas/supervision.ts (Work Plan
 * 二、（一）2 责任分工 and 二、（一）3 进度安排).
 */
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type {
  Institution,
  InventorRewardRuleInput,
  RegisterInstitution,
  UpdateInstitution,
} from '../../schemas/institution.ts';
import type { Caller } from '../../schemas/roles.ts';
import {
  normalizeSupervision,
  type SupervisionGroup,
  type SupervisionInput,
  supervisedBy,
  supervisingMinistries,
} from '../../schemas/supervision.ts';
import { actorLabel } from '../shared/audit.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';

export interface InstitutionPage {
  items: Institution[];
  nextCursor?: string;
}

export interface InstitutionStore {
  /** Creates the institution and its audit entry atomically; false if it already exists. */
  create(institution: Institution, caller: Caller): Promise<boolean>;
  get(uscc: string): Promise<Institution | undefined>;
  /** A province's institutions by code; `supervision` keeps only that group ("unassigned": none recorded). */
  listByProvince(
    provinceCode: string,
    page: { limit: number; cursor?: string },
    filter?: { supervision?: SupervisionGroup },
  ): Promise<InstitutionPage>;
  /** The institutions a ministry supervises, by code, in every province (or only `provinceCode`). */
  listByMinistry(
    ministry: string,
    page: { limit: number; cursor?: string },
    filter?: { provinceCode?: string },
  ): Promise<InstitutionPage>;
  /**
   * Writes `after` (same uscc) with its audit entry, conditioned on `before.version`; 'conflict' when
   * the institution changed since it was read.
   */
  update(
    before: Institution,
    after: Institution,
    caller: Caller,
    /** The audit entry's action (default `institution.supervision-updated`). */
    action?: string,
  ): Promise<'updated' | 'conflict'>;
}

const isNational = (caller: Caller) => caller.roles.includes('national-admin');
const isMinistryAdmin = (caller: Caller) =>
  caller.roles.includes('ministry-admin') && !isNational(caller) && !caller.roles.includes('province-admin');

/** The ministry of a ministry admin, or a 403 that says who can set it. */
export function callerMinistry(caller: Caller): string {
  const ministry = caller.ministry;
  if (!ministry || !(supervisingMinistries as readonly string[]).includes(ministry)) {
    throw new ForbiddenError(
      `Your account names no supervising ministry (custom:ministry${ministry ? ` is "${ministry}"` : ''}): ask the national administrators to set it to one of ${supervisingMinistries.join(', ')}.`,
    );
  }
  return ministry;
}

/**
 * The supervision and pilot status checked against the institution they describe: a local (地方所属)
 * institution is supervised by its own province; only universities are 试点 / 示范高校.
 */
function checkedSupervision(
  target: { provinceCode: string; kind: Institution['kind'] },
  input: { supervision?: SupervisionInput; pilotStatus?: Institution['pilotStatus'] },
) {
  const details: Array<{ in: string; field: string; message: string }> = [];
  if (input.supervision?.department === 'local' && input.supervision.provinceCode !== target.provinceCode) {
    details.push({
      in: 'body',
      field: 'supervision.provinceCode',
      message: `a 地方所属 institution is supervised by its own province: set it to ${target.provinceCode}`,
    });
  }
  if (input.pilotStatus !== undefined && input.pilotStatus !== 'none' && target.kind !== 'university') {
    details.push({
      in: 'body',
      field: 'pilotStatus',
      message: `国家知识产权试点 / 示范 status is for universities (高校) only (Work Plan 二、（一）3); this institution is a ${target.kind}: send none or leave it out`,
    });
  }
  if (details.length) {
    throw new ValidationError(
      `Fix ${details.map((d) => d.field).join(', ')}: ${details.map((d) => d.message).join('; ')}.`,
      details,
    );
  }
  return {
    ...(input.supervision ? { supervision: normalizeSupervision(input.supervision) } : {}),
    ...(input.pilotStatus ? { pilotStatus: input.pilotStatus } : {}),
  };
}

export async function registerInstitution(
  deps: { store: InstitutionStore; now: () => Date },
  caller: Caller,
  input: RegisterInstitution & { usccChecksumValid?: boolean },
): Promise<{ institution: Institution; warnings: string[] }> {
  if (!isNational(caller)) {
    if (!caller.roles.includes('province-admin')) {
      throw new ForbiddenError(
        'Institutions are registered by province and national administrators: ask the province administrator.',
      );
    }
    if (!caller.provinceCode) {
      throw new ForbiddenError(
        'Your account has no province (custom:province): ask the national administrators to set it.',
      );
    }
    if (caller.provinceCode !== input.provinceCode) {
      throw new ForbiddenError(
        `You administer province ${caller.provinceCode} and may register institutions there only; this one is in ${input.provinceCode}.`,
      );
    }
  }
  const at = deps.now().toISOString();
  const { usccChecksumValid = true, supervision, pilotStatus, ...fields } = input;
  const institution: Institution = {
    ...fields,
    ...checkedSupervision(input, { supervision, pilotStatus }),
    provinceName: provinceNames.get(input.provinceCode) ?? input.provinceCode,
    usccChecksumValid,
    createdAt: at,
    createdBy: actorLabel(caller),
    updatedAt: at,
    version: 1,
  };
  const created = await deps.store.create(institution, caller);
  if (!created) {
    throw new ConflictError(
      `Institution ${input.uscc} is already registered: read it with GET /v1/institutions/${input.uscc}, and set its supervision with PATCH /v1/institutions/${input.uscc}.`,
    );
  }
  const warnings = usccChecksumValid
    ? []
    : [
        `统一社会信用代码校验位不符 / the check character of ${input.uscc} does not match GB 32100; it was kept, but please verify the code`,
      ];
  return { institution, warnings };
}

/** True when the caller may read this institution. */
export function mayReadInstitution(caller: Caller, institution: Institution | undefined): boolean {
  if (!institution) return false;
  if (isNational(caller)) return true;
  if (caller.roles.includes('province-admin') && caller.provinceCode === institution.provinceCode)
    return true;
  if (
    caller.roles.includes('ministry-admin') &&
    caller.ministry &&
    supervisedBy(institution, caller.ministry)
  )
    return true;
  return caller.roles.includes('institution') && caller.orgUscc === institution.uscc;
}

/**
 * True when the caller is a ministry admin whose ministry supervises the institution `uscc`: the
 * scope check of the patent, history and job reads (one GetItem of the institution).
 */
export async function ministrySupervises(
  institutions: Pick<InstitutionStore, 'get'>,
  caller: Caller,
  uscc: string | undefined,
): Promise<boolean> {
  if (!caller.roles.includes('ministry-admin') || !caller.ministry || uscc === undefined) return false;
  return supervisedBy(await institutions.get(uscc), caller.ministry);
}

export async function getInstitution(
  deps: { store: Pick<InstitutionStore, 'get'> },
  caller: Caller,
  uscc: string,
): Promise<Institution> {
  if (isMinistryAdmin(caller)) callerMinistry(caller);
  const institution = await deps.store.get(uscc);
  if (!mayReadInstitution(caller, institution)) {
    throw new NotFoundError(
      `No institution ${uscc} in your scope: check the code, or list yours with GET /v1/institutions.`,
    );
  }
  return institution!;
}

/**
 * PATCH /v1/institutions/{uscc}: sets the supervising department and / or the pilot / demonstration
 * status, and whether enterprises see its inventors' names (publishInventors, on the institution's
 * request). National admins: any institution; province admins: their province's (404 elsewhere).
 * Ministry admins never (the route does not admit them): a ministry does not pick its institutions.
 */
export async function updateInstitution(
  deps: { store: InstitutionStore; now: () => Date },
  caller: Caller,
  uscc: string,
  input: UpdateInstitution,
): Promise<Institution> {
  const notFound = new NotFoundError(
    `No institution ${uscc} in your scope: check the code, or list them with GET /v1/institutions.`,
  );
  if (!isNational(caller) && !caller.roles.includes('province-admin')) {
    throw new ForbiddenError(
      'The supervision of an institution is set by its province administrator or the national administrators.',
    );
  }
  const before = await deps.store.get(uscc);
  if (!before) throw notFound;
  if (!isNational(caller) && caller.provinceCode !== before.provinceCode) throw notFound;
  if (input.version !== undefined && input.version !== before.version) {
    throw new ConflictError(
      `Institution ${uscc} is at version ${before.version}, not ${input.version}: read it again (GET /v1/institutions/${uscc}) and send your change with its version.`,
    );
  }
  const after: Institution = {
    ...before,
    ...checkedSupervision(before, input),
    ...(input.publishInventors !== undefined ? { publishInventors: input.publishInventors } : {}),
    updatedAt: deps.now().toISOString(),
    version: before.version + 1,
  };
  const outcome = await deps.store.update(before, after, caller);
  if (outcome === 'conflict') {
    throw new ConflictError(
      `Institution ${uscc} changed while you updated it: read it again (GET /v1/institutions/${uscc}) and send your change again.`,
    );
  }
  return after;
}

/**
 * PUT /v1/institutions/{uscc}/inventor-reward-rule: the institution records its own rule for the
 * inventors' share (促进科技成果转化法 art. 44). Only its institution-level users (the technology transfer
 * office: the rule binds every department); another institution's is 404. Versioned with its audit
 * entry; each payment recorded from then on applies the rule in force on its date (functions/transfer/
 * inventor-rewards.ts); payments already recorded keep the distribution of their day.
 */
export async function setInventorRewardRule(
  deps: { store: InstitutionStore; now: () => Date },
  caller: Caller,
  uscc: string,
  input: InventorRewardRuleInput,
): Promise<Institution> {
  const notFound = new NotFoundError(
    `No institution ${uscc} in your scope: set your own institution's rule (PUT /v1/institutions/<your USCC>/inventor-reward-rule).`,
  );
  if (!caller.roles.includes('institution') || caller.orgUscc !== uscc) throw notFound;
  if (caller.department !== undefined) {
    throw new ForbiddenError(
      `The inventors' reward rule binds the whole institution: it is set by its institution-level users (technology transfer office); your account is scoped to the department ${caller.department}.`,
    );
  }
  const before = await deps.store.get(uscc);
  if (!before) throw notFound;
  const at = deps.now().toISOString();
  const after: Institution = {
    ...before,
    inventorRewardRule: { ...input, setAt: at, setBy: actorLabel(caller) },
    updatedAt: at,
    version: before.version + 1,
  };
  if (
    (await deps.store.update(before, after, caller, 'institution.inventor-reward-rule-set')) === 'conflict'
  ) {
    throw new ConflictError(
      `Institution ${uscc} changed while you set the rule: read it again (GET /v1/institutions/${uscc}) and send the rule again.`,
    );
  }
  return after;
}

const supervisionGroups: readonly string[] = [...supervisingMinistries, 'local', 'unassigned'];

export async function listInstitutions(
  deps: { store: InstitutionStore },
  caller: Caller,
  query: { province?: string; supervision?: string; limit: number; cursor?: string },
): Promise<InstitutionPage> {
  const page = { limit: query.limit, cursor: query.cursor };
  if (query.supervision !== undefined && !supervisionGroups.includes(query.supervision)) {
    throw new ValidationError(
      `"${query.supervision}" is not a supervision group: use a ministry (${supervisingMinistries.join(', ')}), local or unassigned.`,
      [{ in: 'query', field: 'supervision', message: 'unknown supervision group' }],
    );
  }
  const group = query.supervision as SupervisionGroup | undefined;
  if (isMinistryAdmin(caller)) {
    const ministry = callerMinistry(caller);
    if (group !== undefined && group !== ministry) {
      throw new ForbiddenError(
        `You see the institutions ${ministry} supervises only: drop "supervision" or set it to ${ministry}.`,
      );
    }
    return deps.store.listByMinistry(ministry, page, { provinceCode: query.province });
  }
  if (
    isNational(caller) &&
    query.province === undefined &&
    group !== undefined &&
    (supervisingMinistries as readonly string[]).includes(group)
  ) {
    return deps.store.listByMinistry(group, page);
  }
  const province = isNational(caller) ? query.province : caller.provinceCode;
  if (!province) {
    throw new ValidationError(
      isNational(caller)
        ? "Name the province to list: add ?province=<GB/T 2260 code>, e.g. ?province=110000 (or ?supervision=<ministry> for a ministry's institutions in every province)."
        : 'Your account has no province (custom:province): ask the national administrators to set it.',
      [{ in: 'query', field: 'province', message: 'required' }],
    );
  }
  if (!isNational(caller) && query.province && query.province !== province) {
    throw new ForbiddenError(
      `You administer province ${province}; you cannot list province ${query.province}.`,
    );
  }
  return deps.store.listByProvince(province, page, group ? { supervision: group } : undefined);
}
