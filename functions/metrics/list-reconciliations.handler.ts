import { listReconciliationsRoute } from '../../schemas/routes/metrics.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { listReconciliations } from './metrics-store.ts';

const table = config.tableName('metrics');

export const handler = httpRoute(listReconciliationsRoute, async () => ({
  status: 200,
  body: { items: await listReconciliations(documents, table, 10) },
  headers: { 'cache-control': 'no-store' },
}));
