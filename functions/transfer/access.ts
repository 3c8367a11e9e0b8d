/** Who may see and change what in the transfer area (docs/transfer.md, "Access"). */
import { createHash } from 'node:crypto';
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import type { Deal } from '../../schemas/deal.ts';
import type { Caller } from '../../schemas/roles.ts';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import type { TransferPatent, TransferStore } from './ports.ts';
import type { Refusal } from './rules.ts';

/** The patent of the patentee institution (institution users) or of the admin's province; 404 otherwise. */
export async function patenteePatent(
  deps: { store: Pick<TransferStore, 'patents'> },
  caller: Caller,
  input: string,
): Promise<TransferPatent> {
  const n = normalizeApplicationNumber(input);
  const patent = (await deps.store.patents([n])).get(n);
  const visible =
    patent !== undefined &&
    (caller.roles.includes('national-admin') ||
      (caller.roles.includes('province-admin') && caller.provinceCode === patent.provinceCode) ||
      (caller.roles.includes('institution') && caller.orgUscc === patent.institutionUscc));
  if (!visible) {
    throw new NotFoundError(
      `No patent ${n} among your patents: check the application number (list them with GET /v1/patents).`,
    );
  }
  return patent;
}

/** A licensing rule refused the request (409): the code names the rule, the message what to do. */
export class LicensingRefusedError extends DomainError {
  readonly statusCode = 409;
  readonly code: string;
  constructor(refusal: Refusal, others: Refusal[] = []) {
    super(
      others.length
        ? `${refusal.message} (${others.length} more patents refused: see details)`
        : refusal.message,
      others.length
        ? { ...refusal.details, refusals: [refusal, ...others].map((r) => r.details) }
        : refusal.details,
    );
    this.code = refusal.code;
  }
}

export const isAdmin = (caller: Caller) =>
  caller.roles.includes('national-admin') || caller.roles.includes('province-admin');

/** A deal is visible to its institution, its enterprise, the admins of its province and national admins. */
export function canSeeDeal(
  caller: Caller,
  deal: Pick<Deal, 'institutionUscc' | 'enterprise' | 'provinceCode'>,
) {
  if (caller.roles.includes('national-admin')) return true;
  if (caller.roles.includes('province-admin') && caller.provinceCode === deal.provinceCode) return true;
  if (caller.roles.includes('institution') && caller.orgUscc === deal.institutionUscc) return true;
  if (caller.roles.includes('enterprise') && caller.orgUscc === deal.enterprise.uscc) return true;
  return false;
}

/**
 * Only an enterprise that a province administrator verified is a party to a deal, takes an open
 * license or files a product: a pending or rejected registration is not yet (or no longer) one.
 */
export async function requireVerifiedEnterprise(
  deps: { store: { enterprise(uscc: string): Promise<{ status?: string } | undefined> } },
  uscc: string,
  what: string,
): Promise<void> {
  const enterprise = await deps.store.enterprise(uscc);
  if (!enterprise) {
    throw new ForbiddenError(
      `Enterprise ${uscc} is not registered: register it (POST /v1/enterprises) and have the province administrator verify it before it can ${what}.`,
    );
  }
  if (enterprise.status !== 'verified') {
    throw new ForbiddenError(
      `Enterprise ${uscc} is ${enterprise.status ?? 'not verified'}: only enterprises verified by their province administrator can ${what}.`,
      { enterpriseStatus: enterprise.status ?? null },
    );
  }
}

/**
 * Deals, filings and open licenses bind the whole institution: a department (院系) user, whose token
 * carries custom:department, prepares its department's inventory but may not act for the institution.
 */
export function requireInstitutionLevel(caller: Caller, what: string): void {
  if (caller.roles.includes('institution') && !isAdmin(caller) && caller.department !== undefined) {
    throw new ForbiddenError(
      `Only institution-level users (technology transfer office) may ${what}; your account is scoped to the department ${caller.department}.`,
    );
  }
}

/** The organization of an institution or enterprise user, or 403 saying the token lacks it. */
export function ownOrganization(caller: Caller, role: 'institution' | 'enterprise'): string {
  if (!caller.orgUscc) {
    throw new ForbiddenError(
      `Your ${role} account carries no organization code (custom:uscc): ask your administrator to set it, then sign in again.`,
    );
  }
  return caller.orgUscc;
}

/** Normalized, distinct application numbers, or 400 naming the repeated one. */
export function distinctNumbers(numbers: string[], field = 'applicationNumbers'): string[] {
  const normalized = numbers.map(normalizeApplicationNumber);
  normalized.forEach((n, i) => {
    if (normalized.indexOf(n) !== i) {
      throw new ValidationError(`Patent ${n} is listed twice: name each patent once.`, [
        { in: 'body', field: `${field}.${i}`, message: `repeats ${n}` },
      ]);
    }
  });
  return normalized;
}

export const hashOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
