import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import { expressInterestRoute } from '../../schemas/routes/negotiation.ts';
import { httpRoute } from '../shared/http.ts';
import { interestDeps } from './interest-deps.ts';
import { expressInterest } from './interests.ts';

const deps = interestDeps();

export const handler = httpRoute(expressInterestRoute, async ({ caller, params, body, headers }) => {
  const key = headers['idempotency-key'] ?? headers['Idempotency-Key'];
  const { created, interest } = await expressInterest(
    deps,
    caller,
    normalizeApplicationNumber(params.applicationNumber),
    body,
    key?.trim() || undefined,
  );
  return {
    status: created ? 201 : 200,
    body: interest,
    headers: { location: `/v1/interests/${encodeURIComponent(interest.interestId)}` },
  };
});
