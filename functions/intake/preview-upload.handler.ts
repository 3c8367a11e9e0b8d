import { previewUploadRoute } from '../../schemas/routes/intake.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { previewUpload } from './preview-upload.ts';
import { findObject, institutionName, openObject, profiles } from './profile-deps.ts';

const deps = {
  bucket: config.bucketName('drop'),
  findObject,
  openObject,
  profiles: profiles(),
  institutionName: institutionName(),
  now: () => new Date(),
};

export const handler = httpRoute(previewUploadRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await previewUpload(deps, caller, params.previewId, body),
}));
