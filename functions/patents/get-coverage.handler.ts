import { getInventoryCoverageRoute } from '../../schemas/routes/patents.ts';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { dynamoMetricsReadPort } from '../metrics/metrics-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { getCoverage } from './patent-queries.ts';
import { metricsCoverageCounter } from './patent-query-store.ts';

const institutions = dynamoInstitutionStore(documents, config.tableName('core'));
const deps = {
  counter: metricsCoverageCounter(
    dynamoMetricsReadPort(documents, config.tableName('metrics')),
    institutions,
  ),
  institutions,
  now: () => new Date(),
};

export const handler = httpRoute(getInventoryCoverageRoute, async ({ caller, query }) => ({
  status: 200,
  body: await getCoverage(deps, caller, query),
  headers: { 'cache-control': 'no-store' },
}));
