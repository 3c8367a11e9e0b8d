import { listMappingProfilesRoute } from '../../schemas/routes/intake.ts';
import { httpRoute } from '../shared/http.ts';
import { listMappingProfiles } from './mapping-profiles.ts';
import { institutionProvince, profiles } from './profile-deps.ts';

const deps = { profiles: profiles(), now: () => new Date(), institutionProvince: institutionProvince() };

export const handler = httpRoute(listMappingProfilesRoute, async ({ caller, params }) => ({
  status: 200,
  body: await listMappingProfiles(deps, caller, params.uscc),
}));
