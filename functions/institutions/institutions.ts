/**
 * Institution use-cases. Plain functions over a store port, so they are tested without AWS.
 * Scope rules: a national admin sees every institution; a province admin only its province
 * (and registers only there); an institution user only its own. Outside the scope the answer is
 * 404, never 403, so that codes do not leak.
 */
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type { Institution, RegisterInstitution } from '../../schemas/institution.ts';
import type { Caller } from '../../schemas/roles.ts';
import { actorLabel } from '../shared/audit.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';

export interface InstitutionStore {
  /** Creates the institution and its audit entry atomically; false if it already exists. */
  create(institution: Institution, caller: Caller): Promise<boolean>;
  get(uscc: string): Promise<Institution | undefined>;
  listByProvince(
    provinceCode: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: Institution[]; nextCursor?: string }>;
}

const isNational = (caller: Caller) => caller.roles.includes('national-admin');

export async function registerInstitution(
  deps: { store: InstitutionStore; now: () => Date },
  caller: Caller,
  input: RegisterInstitution & { usccChecksumValid?: boolean },
): Promise<{ institution: Institution; warnings: string[] }> {
  if (!isNational(caller)) {
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
  const { usccChecksumValid = true, ...fields } = input;
  const institution: Institution = {
    ...fields,
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
      `Institution ${input.uscc} is already registered: read it with GET /v1/institutions/${input.uscc}.`,
    );
  }
  const warnings = usccChecksumValid
    ? []
    : [
        `统一社会信用代码校验位不符 / the check character of ${input.uscc} does not match GB 32100; it was kept, but please verify the code`,
      ];
  return { institution, warnings };
}

export async function getInstitution(
  deps: { store: InstitutionStore },
  caller: Caller,
  uscc: string,
): Promise<Institution> {
  const institution = await deps.store.get(uscc);
  const notFound = new NotFoundError(
    `No institution ${uscc} in your scope: check the code, or ask your province administrator.`,
  );
  if (!institution) throw notFound;
  if (isNational(caller)) return institution;
  if (caller.roles.includes('province-admin') && caller.provinceCode === institution.provinceCode)
    return institution;
  if (caller.roles.includes('institution') && caller.orgUscc === institution.uscc) return institution;
  throw notFound;
}

export async function listInstitutions(
  deps: { store: InstitutionStore },
  caller: Caller,
  query: { province?: string; limit: number; cursor?: string },
) {
  const province = isNational(caller) ? query.province : caller.provinceCode;
  if (!province) {
    throw new ValidationError(
      isNational(caller)
        ? 'Name the province to list: add ?province=<GB/T 2260 code>, e.g. ?province=110000.'
        : 'Your account has no province (custom:province): ask the national administrators to set it.',
      [{ in: 'query', field: 'province', message: 'required' }],
    );
  }
  if (!isNational(caller) && query.province && query.province !== province) {
    throw new ForbiddenError(
      `You administer province ${province}; you cannot list province ${query.province}.`,
    );
  }
  return deps.store.listByProvince(province, { limit: query.limit, cursor: query.cursor });
}
