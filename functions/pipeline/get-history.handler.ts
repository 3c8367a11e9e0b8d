import { getPatentHistoryRoute } from '../../schemas/routes/pipeline.ts';
import { httpRoute } from '../shared/http.ts';
import { patentHistory } from './history.ts';
import { historyDeps } from './pipeline-deps.ts';

const deps = historyDeps();

export const handler = httpRoute(getPatentHistoryRoute, async ({ caller, params, query }) => ({
  status: 200,
  body: await patentHistory(deps, caller, params.applicationNumber, query),
}));
