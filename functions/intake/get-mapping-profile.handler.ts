import { getMappingProfileRoute } from '../../schemas/routes/intake.ts';
import { httpRoute } from '../shared/http.ts';
import { etagOf, getMappingProfile } from './mapping-profiles.ts';
import { institutionProvince, profiles } from './profile-deps.ts';

const deps = { profiles: profiles(), now: () => new Date(), institutionProvince: institutionProvince() };

export const handler = httpRoute(getMappingProfileRoute, async ({ caller, params }) => {
  const profile = await getMappingProfile(deps, caller, params.uscc, params.name);
  return { status: 200, body: profile, headers: { etag: etagOf(profile) } };
});
