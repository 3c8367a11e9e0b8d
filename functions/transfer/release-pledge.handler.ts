import { releasePledgeRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { releasePledge } from './pledges.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(releasePledgeRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: (await releasePledge(deps, caller, params.applicationNumber, body)).pledge,
}));
