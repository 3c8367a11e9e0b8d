import { recordPledgeRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { recordPledge } from './pledges.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(recordPledgeRoute, async ({ caller, params, body }) => {
  const { created, pledge } = await recordPledge(deps, caller, params.applicationNumber, body);
  return { status: created ? 201 : 200, body: pledge };
});
