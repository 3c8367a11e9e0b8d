import { createUploadRoute } from '../../schemas/routes/intake.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { jobs, presignPost } from './intake-deps.ts';
import { profiles } from './profile-deps.ts';
import { createUpload } from './uploads.ts';

const deps = {
  jobs: jobs(),
  presignPost,
  bucket: config.bucketName('drop'),
  now: () => new Date(),
  profiles: profiles(),
};

export const handler = httpRoute(createUploadRoute, async ({ caller, body }) => ({
  status: 201,
  body: await createUpload(deps, caller, body),
}));
