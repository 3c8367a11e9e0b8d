import { putMappingProfileRoute } from '../../schemas/routes/intake.ts';
import { httpRoute } from '../shared/http.ts';
import { etagOf, putMappingProfile } from './mapping-profiles.ts';
import { profiles } from './profile-deps.ts';

const deps = { profiles: profiles(), now: () => new Date() };

export const handler = httpRoute(putMappingProfileRoute, async ({ caller, params, body, headers }) => {
  const { created, profile } = await putMappingProfile(
    deps,
    caller,
    params.uscc,
    params.name,
    body,
    headers['if-match'],
  );
  return { status: created ? 201 : 200, body: profile, headers: { etag: etagOf(profile) } };
});
