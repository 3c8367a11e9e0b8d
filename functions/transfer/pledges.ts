/**
 * Pledges of a patent right (专利权质押, schemas/pledge.ts): the patentee institution records a pledge
 * registered with CNIPA and its release. Each is a versioned transition of the patent (pledgeRegistered
 * / pledgeReleased, state kept) with its audit entry; a co-owned patent is pledged only with every
 * co-owner's consent recorded (专利法 art. 14 ¶2, rules.ts `coOwnerRefusal`); while a pledge is active, deals and open-license
 * declarations need the pledgee's consent (rules.ts `pledgeRefusal`, 民法典 art. 444).
 */
import { chinaDate } from '../../schemas/china-date.ts';
import {
  activePledges,
  maxActivePledges,
  type Pledge,
  type PledgeRegistration,
  type PledgeRelease,
} from '../../schemas/pledge.ts';
import type { Caller } from '../../schemas/roles.ts';
import { planTransition } from '../pipeline/transitions.ts';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { hashOf, LicensingRefusedError, patenteePatent, requireInstitutionLevel } from './access.ts';
import type { TransferDeps } from './ports.ts';
import { coOwnerRefusal } from './rules.ts';

const sameNumber = (a: string, b: string) =>
  a.replace(/\s+/g, '').toUpperCase() === b.replace(/\s+/g, '').toUpperCase();

function notInFuture(field: string, date: string, today: string) {
  if (date > today) {
    throw new ValidationError(
      `${field} ${date} lies in the future: a registration is recorded once CNIPA has made it (today is ${today}).`,
      [{ in: 'body', field, message: 'in the future' }],
    );
  }
}

/** Records a pledge; the same registration number again with the same contents changes nothing. */
export async function recordPledge(
  deps: TransferDeps,
  caller: Caller,
  applicationNumber: string,
  input: PledgeRegistration,
): Promise<{ created: boolean; pledge: Pledge }> {
  requireInstitutionLevel(caller, 'record pledges');
  const patent = await patenteePatent(deps, caller, applicationNumber);
  const n = patent.applicationNumber;
  const today = chinaDate(deps.now());
  notInFuture('registeredOn', input.registeredOn, today);
  if (input.coOwnerConsent)
    notInFuture('coOwnerConsent.consentedOn', input.coOwnerConsent.consentedOn, today);
  const pledges = patent.pledges ?? [];
  const existing = pledges.find((pledge) => sameNumber(pledge.registrationNumber, input.registrationNumber));
  if (existing) {
    const same =
      existing.pledgee === input.pledgee &&
      existing.registeredOn === input.registeredOn &&
      existing.securedAmountFen === input.securedAmountFen &&
      existing.coOwnerConsent?.consentedOn === input.coOwnerConsent?.consentedOn &&
      existing.coOwnerConsent?.reference === input.coOwnerConsent?.reference;
    if (same) return { created: false, pledge: existing };
    throw new ConflictError(
      `Patent ${n} already has the pledge ${existing.registrationNumber} (pledgee ${existing.pledgee}, registered ${existing.registeredOn}), recorded with other details: check the registration number; a registration is recorded once.`,
      { pledge: existing },
    );
  }
  // 专利法 art. 14 ¶2: pledging a co-owned right needs every co-owner's consent (rules.ts, rule 5).
  const refusal = coOwnerRefusal(patent, { what: 'pledge' }, input.coOwnerConsent);
  if (refusal) throw new LicensingRefusedError(refusal);
  if (activePledges(patent).length >= maxActivePledges) {
    throw new ConflictError(
      `Patent ${n} has ${maxActivePledges} active pledges, the most recorded here: record the release of one first (POST /v1/patents/${n}/pledges/release).`,
    );
  }
  planTransition(patent, { event: 'pledgeRegistered' });
  const at = deps.now().toISOString();
  const pledge: Pledge = {
    pledgee: input.pledgee,
    registrationNumber: input.registrationNumber,
    registeredOn: input.registeredOn,
    ...(input.securedAmountFen !== undefined ? { securedAmountFen: input.securedAmountFen } : {}),
    ...(input.coOwnerConsent ? { coOwnerConsent: input.coOwnerConsent } : {}),
    status: 'active',
    recordedAt: at,
  };
  const outcome = await deps.store.changePatent({
    patent: {
      patent,
      transition: {
        event: 'pledgeRegistered',
        eventId: `pledge#${hashOf(input.registrationNumber)}`,
        actor: caller,
        set: { pledges: [...pledges, pledge] },
        details: { registrationNumber: pledge.registrationNumber, pledgee: pledge.pledgee },
      },
    },
    at,
  });
  return { created: outcome === 'changed', pledge };
}

/** Records the release of an active pledge; releasing a released one with the same record changes nothing. */
export async function releasePledge(
  deps: TransferDeps,
  caller: Caller,
  applicationNumber: string,
  input: PledgeRelease,
): Promise<{ changed: boolean; pledge: Pledge }> {
  requireInstitutionLevel(caller, 'record pledges');
  const patent = await patenteePatent(deps, caller, applicationNumber);
  const n = patent.applicationNumber;
  const pledges = patent.pledges ?? [];
  const index = pledges.findIndex((pledge) =>
    sameNumber(pledge.registrationNumber, input.registrationNumber),
  );
  const current = pledges[index];
  if (!current) {
    throw new NotFoundError(
      `Patent ${n} has no pledge ${input.registrationNumber}: check the registration number (GET /v1/patents/${n} lists its pledges).`,
    );
  }
  if (current.status === 'released') {
    if (current.releasedOn === input.releasedOn && current.releaseReference === input.reference)
      return { changed: false, pledge: current };
    throw new ConflictError(
      `The pledge ${current.registrationNumber} of patent ${n} was released on ${current.releasedOn}: nothing to release.`,
      { pledge: current },
    );
  }
  if (input.releasedOn < current.registeredOn) {
    throw new ValidationError(
      `The release date ${input.releasedOn} is before the registration (${current.registeredOn}): give the day the registration was cancelled.`,
      [{ in: 'body', field: 'releasedOn', message: `on or after ${current.registeredOn}` }],
    );
  }
  notInFuture('releasedOn', input.releasedOn, chinaDate(deps.now()));
  planTransition(patent, { event: 'pledgeReleased' });
  const at = deps.now().toISOString();
  const pledge: Pledge = {
    ...current,
    status: 'released',
    releasedOn: input.releasedOn,
    releaseReference: input.reference,
  };
  const outcome = await deps.store.changePatent({
    patent: {
      patent,
      transition: {
        event: 'pledgeReleased',
        eventId: `pledge-release#${hashOf(current.registrationNumber)}`,
        actor: caller,
        set: { pledges: pledges.map((p, i) => (i === index ? pledge : p)) },
        details: { registrationNumber: current.registrationNumber, releasedOn: input.releasedOn },
      },
    },
    at,
  });
  return { changed: outcome === 'changed', pledge };
}
