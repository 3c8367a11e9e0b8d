import { getPoolFeedRoute } from '../../schemas/routes/pool.ts';
import { httpRoute } from '../shared/http.ts';
import { poolDeps } from './pool-deps.ts';
import { poolFeed } from './pool-feed.ts';

const deps = poolDeps();

export const handler = httpRoute(getPoolFeedRoute, async ({ caller, query }) => ({
  status: 200,
  body: await poolFeed(deps, caller, query),
}));
