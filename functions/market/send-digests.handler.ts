/** Schedule evaluation-digest (daily, 08:00 China time): yesterday's new evaluation requests, one email per evaluator. */

import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { digestInputSchema } from '../../schemas/task-inputs.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { sendDailyDigests } from './digest.ts';
import { dynamoDigestStore } from './digest-store.ts';

const store = dynamoDigestStore(documents, config.tableName('core'));

export const handler = taskHandler(async (event: z.infer<typeof digestInputSchema>) => {
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
  return outcome;
}).use(parser({ schema: digestInputSchema }));
