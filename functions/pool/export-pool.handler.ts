import { exportPoolRoute } from '../../schemas/routes/pool.ts';
import { xlsxAttachment } from '../shared/attachment.ts';
import { httpRoute } from '../shared/http.ts';
import { poolDeps } from './pool-deps.ts';
import { exportPool } from './pool-export.ts';

const deps = poolDeps();

export const handler = httpRoute(exportPoolRoute, async ({ caller, query }) => {
  const file = await exportPool(deps, caller, query);
  return xlsxAttachment(file, { 'cache-control': 'private, no-store', 'x-row-count': String(file.rows) });
});
