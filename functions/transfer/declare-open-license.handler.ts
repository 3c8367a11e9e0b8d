import { httpRoute } from '../shared/http.ts';
import { declareOpenLicense } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(
  'POST /v1/patents/{applicationNumber}/open-license',
  async ({ caller, params, body }) => {
    const { changed, openLicense } = await declareOpenLicense(deps, caller, params.applicationNumber, body);
    return { status: changed ? 201 : 200, body: openLicense };
  },
);
