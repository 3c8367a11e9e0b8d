import { getRankingsRoute } from '../../schemas/routes/metrics.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { computeQuarterFigures } from './figures.ts';
import { supervisionGroups } from './institution-groups.ts';
import { dynamoMetricsReadPort } from './metrics-store.ts';
import { getRankings } from './rankings-api.ts';

const port = dynamoMetricsReadPort(documents, config.tableName('metrics'), {
  supervisionGroups: supervisionGroups(documents, config.tableName('core')),
});
const deps = {
  nationalFigures: (quarter: Parameters<typeof computeQuarterFigures>[1], options: { ministries: boolean }) =>
    computeQuarterFigures(
      port,
      quarter,
      { level: 'national' },
      { institutionRows: false, ministryRows: options.ministries },
    ),
};

export const handler = httpRoute(getRankingsRoute, async ({ caller, params, query }) => ({
  status: 200,
  body: await getRankings(deps, caller, params.quarter, query),
  headers: { 'cache-control': 'no-store' },
}));
