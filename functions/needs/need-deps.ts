/** Wires the technology-need use-cases (needs.ts, need-matching.ts) to DynamoDB, the search engine and the clock. */
import { searchPath } from '../search/http-search-index.ts';
import { searchDeps } from '../search/search-deps.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { matchNeedToPool } from './need-matching.ts';
import { dynamoNeedStore } from './need-store.ts';
import type { NeedDeps } from './needs.ts';

export const needDeps = (): NeedDeps => {
  const store = dynamoNeedStore(documents, config.tableName('core'));
  const now = () => new Date();
  // The pool is searched through the same port as GET /v1/search/patents (the OpenSearch domain on
  // AWS; without an engine 503 NOT_CONFIGURED: the match is then skipped, the need stays open).
  const { index } = searchDeps(process.env, searchPath);
  return {
    store,
    now,
    matchOpened: async (need) => {
      const outcome = await matchNeedToPool({ index, store, now }, need);
      logger.info('need matched with the pool', outcome);
    },
    onMatchFailed: (needId, error) => logger.error('need matching failed', { needId, error }),
  };
};
