import { deleteMappingProfileRoute } from '../../schemas/routes/intake.ts';
import { httpRoute } from '../shared/http.ts';
import { deleteMappingProfile } from './mapping-profiles.ts';
import { profiles } from './profile-deps.ts';

const deps = { profiles: profiles(), now: () => new Date() };

export const handler = httpRoute(deleteMappingProfileRoute, async ({ caller, params, headers }) => {
  await deleteMappingProfile(deps, caller, params.uscc, params.name, headers['if-match']);
  return { status: 204 };
});
