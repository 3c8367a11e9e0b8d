import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import { rematchRoute } from '../../schemas/routes/market.ts';
import { NotFoundError } from '../shared/errors.ts';
import { httpRoute } from '../shared/http.ts';
import { pushDeps } from './market-deps.ts';
import { matchAndPush } from './push.ts';

const deps = pushDeps();

export const handler = httpRoute(rematchRoute, async ({ caller, params }) => {
  const number = normalizeApplicationNumber(params.applicationNumber);
  const patent = await deps.store.patent(number);
  const inScope =
    patent &&
    (caller.roles.includes('national-admin') ||
      (caller.roles.includes('province-admin') && caller.provinceCode === patent.provinceCode) ||
      (caller.roles.includes('institution') && caller.orgUscc === patent.institutionUscc));
  if (!inScope) throw new NotFoundError(`No patent ${number} in your scope: check the application number.`);
  const at = new Date().toISOString();
  return {
    status: 200,
    body: await matchAndPush(deps, number, {
      eventId: `matched:${number}:rematch:${at}`,
      actor: { sub: caller.sub, roles: caller.roles },
    }),
  };
});
