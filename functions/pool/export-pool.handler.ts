import { exportPoolRoute } from '../../schemas/routes/pool.ts';
import { httpRoute } from '../shared/http.ts';
import { poolDeps } from './pool-deps.ts';
import { exportPool } from './pool-export.ts';

const deps = poolDeps();

/** RFC 8187 value: percent-encodes everything but attr-chars (encodeURIComponent leaves ! ' ( ) * alone). */
const encodeRfc8187 = (name: string) =>
  encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const handler = httpRoute(exportPoolRoute, async ({ caller, query }) => {
  const file = await exportPool(deps, caller, query);
  return {
    status: 200,
    binaryBase64: file.xlsx.toString('base64'),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    headers: {
      'content-disposition': `attachment; filename="${file.asciiFileName}"; filename*=UTF-8''${encodeRfc8187(file.fileName)}`,
      'cache-control': 'private, no-store',
      'x-row-count': String(file.rows),
    },
  };
});
