import { create as contentDisposition } from 'content-disposition';
import { exportPoolRoute } from '../../schemas/routes/pool.ts';
import { httpRoute } from '../shared/http.ts';
import { poolDeps } from './pool-deps.ts';
import { exportPool } from './pool-export.ts';

const deps = poolDeps();

export const handler = httpRoute(exportPoolRoute, async ({ caller, query }) => {
  const file = await exportPool(deps, caller, query);
  return {
    status: 200,
    binaryBase64: file.xlsx.toString('base64'),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    headers: {
      'content-disposition': contentDisposition(file.fileName, { fallback: file.asciiFileName }),
      'cache-control': 'private, no-store',
      'x-row-count': String(file.rows),
    },
  };
});
