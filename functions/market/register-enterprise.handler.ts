import { checkUscc } from '../../schemas/codes/uscc.ts';
import { registerEnterpriseRoute } from '../../schemas/routes/market.ts';
import { httpRoute } from '../shared/http.ts';
import { registerEnterprise } from './evaluators.ts';
import { evaluatorDeps } from './market-deps.ts';

const deps = evaluatorDeps();

export const handler = httpRoute(registerEnterpriseRoute, async ({ caller, body }) => {
  const check = checkUscc(body.uscc);
  const enterprise = await registerEnterprise(deps, caller, {
    ...body,
    usccChecksumValid: check.ok && check.checksumValid,
  });
  return { status: 201, body: enterprise, headers: { location: `/v1/enterprises/${enterprise.uscc}` } };
});
