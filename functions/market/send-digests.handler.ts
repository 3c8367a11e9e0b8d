/**
 * Schedule evaluation-digest (daily, 08:00 China time): first closes the technology needs past their
 * deadline (functions/needs/need-expiry.ts: one email each to their enterprise), then yesterday's
 * digests: new evaluation requests, one email per evaluator; patents matched with needs, one per
 * institution; then the saved-search alerts, one email per enterprise. The expiry runs first so that
 * no digest names a need that closed at its deadline.
 */

import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { digestInputSchema } from '../../schemas/task-inputs.ts';
import { expireNeeds } from '../needs/need-expiry.ts';
import { dynamoNeedStore } from '../needs/need-store.ts';
import { searchPath } from '../search/http-search-index.ts';
import { dynamoSavedSearchStore } from '../search/saved-search-store.ts';
import { sendSearchAlerts } from '../search/search-alerts.ts';
import { searchDeps } from '../search/search-deps.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { sendDailyDigests } from './digest.ts';
import { dynamoDigestStore } from './digest-store.ts';

const store = dynamoDigestStore(documents, config.tableName('core'));
const needs = dynamoNeedStore(documents, config.tableName('core'));
const savedSearches = dynamoSavedSearchStore(documents, config.tableName('core'));
const { index } = searchDeps(process.env, searchPath);

export const handler = taskHandler(async (event: z.infer<typeof digestInputSchema>) => {
  const expired = await expireNeeds({
    store: needs,
    now: () => new Date(),
    needUrl: (needId) => portalLink(portalPages.need(needId)),
  });
  logger.info('needs past their deadline', expired);
  const outcome = await sendDailyDigests(
    {
      store,
      now: () => new Date(),
      inboxUrl: portalLink(portalPages.inbox),
      portalUrl: portalLink(portalPages.home),
    },
    event.day,
  );
  logger.info('evaluation digests', outcome);
  // Saved-search alerts (functions/search/search-alerts.ts): one email per enterprise, after the digests.
  const alerts = await sendSearchAlerts({
    store: savedSearches,
    index,
    now: () => new Date(),
    portalUrl: portalLink(portalPages.home),
    institutionName: needs.institutionName,
    // Patents new to the pool matched with the enterprises' open needs, in the same one email.
    needs: { index, store: needs },
  });
  logger.info('saved-search alerts', alerts);
  return { ...outcome, needsExpired: expired, searchAlerts: alerts };
}).use(parser({ schema: digestInputSchema }));
