/**
 * Own implementation (促进科技成果转化法 art. 45 (3)): when the institution implements a patent itself or
 * together with a partner, its inventors receive, for three to five consecutive years from the start of
 * production, at least 5 % of the year's operating profit of that implementation ("将该项职务科技成果
 * 自行实施或者与他人合作实施的，应当在实施转化成功投产后连续三至五年，每年从实施该项科技成果的营业利润中提取
 * 不低于百分之五的比例"). The institution's own rule or an agreement with the inventors takes precedence
 * (art. 44), hence a rate below 5 % only with its basis.
 *
 * `PUT /v1/patents/{n}/implementation-profits/{year}` records one year: the inventors' share is computed
 * from the patent's contribution shares of that day (inventor-rewards.ts `ownImplementationRewards`) and
 * stored with it; the same request again changes nothing; a different one corrects the year (versioned,
 * audited, the share computed again). The rewards report counts the years beside the payments
 * (money.ts `inventorRewardsOf`). docs/transfer.md, "Inventors' share".
 */
import { chinaDate } from '../../schemas/china-date.ts';
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import type { ImplementationProfit, ImplementationProfitInput } from '../../schemas/money.ts';
import type { Caller } from '../../schemas/roles.ts';
import { actorLabel } from '../shared/audit.ts';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { hashOf, requireInstitutionLevel } from './access.ts';
import {
  ownImplementationMaxYears,
  ownImplementationMinimumPercent,
  ownImplementationRewards,
} from './inventor-rewards.ts';
import type { MoneyDeps } from './money.ts';

const bad = (field: string, message: string, detail: string) =>
  new ValidationError(message, [{ in: field === 'year' ? 'path' : 'body', field, message: detail }]);

/** Records (or corrects) one year's operating profit of the institution's own implementation of a patent. */
export async function recordImplementationProfit(
  deps: MoneyDeps,
  caller: Caller,
  input: string,
  year: number,
  body: ImplementationProfitInput,
): Promise<{ created: boolean; changed: boolean; record: ImplementationProfit }> {
  requireInstitutionLevel(caller, "record the profit of the institution's own implementation");
  const n = normalizeApplicationNumber(input);
  const [patent] = await deps.store.patents([n]);
  const uscc = caller.orgUscc;
  if (!patent || !uscc || patent.institutionUscc !== uscc) {
    throw new NotFoundError(
      `No patent ${n} among your patents: check the application number (list them with GET /v1/patents).`,
    );
  }
  const today = chinaDate(deps.now());
  if (body.productionStartedOn > today) {
    throw bad(
      'productionStartedOn',
      `productionStartedOn ${body.productionStartedOn} lies in the future (today is ${today}): the years are recorded once production has started.`,
      'in the future',
    );
  }
  if (year > Number(today.slice(0, 4))) {
    throw bad(
      'year',
      `The year ${year} has not begun (today is ${today}): record a year's profit once it is known.`,
      'in the future',
    );
  }
  const startYear = Number(body.productionStartedOn.slice(0, 4));
  const yearOfImplementation = year - startYear + 1;
  if (yearOfImplementation < 1) {
    throw bad(
      'year',
      `The year ${year} is before production started (${body.productionStartedOn}): the inventors' share runs from the year production starts (促进科技成果转化法 art. 45 (3)).`,
      `from ${startYear} on`,
    );
  }
  if (yearOfImplementation > ownImplementationMaxYears) {
    throw bad(
      'year',
      `The year ${year} is year ${yearOfImplementation} of an implementation that started on ${body.productionStartedOn}: art. 45 (3) of the 促进科技成果转化法 provides the share for three to five consecutive years (${startYear} to ${startYear + ownImplementationMaxYears - 1}). Rewards beyond follow the institution's own rule and are not recorded here.`,
      `${startYear} to ${startYear + ownImplementationMaxYears - 1}`,
    );
  }
  const ratePercent = body.ratePercent ?? ownImplementationMinimumPercent;
  if (ratePercent < ownImplementationMinimumPercent && !body.basis) {
    throw bad(
      'basis',
      `A share of ${ratePercent} % is below the ${ownImplementationMinimumPercent} % of art. 45 (3) of the 促进科技成果转化法: name the institution's rule or the agreement with the inventors it comes from in basis (art. 44), or leave ratePercent out for the default.`,
      'required below 5 %',
    );
  }

  const recorded = await deps.store.implementationProfits(uscc, n);
  const otherStart = recorded.find(
    (r) => r.year !== year && r.productionStartedOn !== body.productionStartedOn,
  );
  if (otherStart) {
    throw new ConflictError(
      `The years of patent ${n} count from the production start recorded with ${otherStart.year} (${otherStart.productionStartedOn}): give the same day, or correct ${otherStart.year} first (PUT /v1/patents/${n}/implementation-profits/${otherStart.year}).`,
      { year: otherStart.year, productionStartedOn: otherStart.productionStartedOn },
    );
  }
  const requestHash = hashOf({ ...body, year });
  const before = recorded.find((r) => r.year === year);
  if (before && before.requestHash === requestHash)
    return { created: false, changed: false, record: withoutHash(before) };

  const at = deps.now().toISOString();
  const record: ImplementationProfit = {
    applicationNumber: n,
    institutionUscc: uscc,
    year,
    yearOfImplementation,
    productionStartedOn: body.productionStartedOn,
    operatingProfitFen: body.operatingProfitFen,
    evidenceReference: body.evidenceReference,
    ...(body.implementedWith ? { implementedWith: body.implementedWith } : {}),
    inventorRewards: ownImplementationRewards(patent, body.operatingProfitFen, {
      ratePercent,
      ...(body.basis ? { basis: body.basis } : {}),
    }),
    version: (before?.version ?? 0) + 1,
    recordedAt: at,
    recordedBy: actorLabel(caller),
  };
  const outcome = await deps.store.putImplementationProfit({
    ...(before ? { before } : {}),
    after: { ...record, requestHash },
    actor: caller,
  });
  if (outcome === 'conflict') {
    // Another request wrote the year meanwhile: the same contents are a replay, others a conflict.
    const now = (await deps.store.implementationProfits(uscc, n)).find((r) => r.year === year);
    if (now?.requestHash === requestHash) return { created: false, changed: false, record: withoutHash(now) };
    throw new ConflictError(
      `The ${year} profit of patent ${n} was recorded by another request at the same moment: read it (GET /v1/institutions/${uscc}/inventor-rewards) and send yours again if it still needs correcting.`,
    );
  }
  return { created: !before, changed: true, record };
}

const withoutHash = ({ requestHash: _, ...record }: ImplementationProfit & { requestHash?: string }) =>
  record;
