/**
 * search-refill task: one run of the refill of the OpenSearch indices from the table (./refill.ts).
 * Input: the previous run's output (cursor, totals) or `{}` to start; output: `done`, the cursor to go
 * on from, the totals. Without an OpenSearch domain (the local cloud's embedded engine is rebuilt from
 * the store at every start; a deployment without search) there is nothing to refill: done at once.
 */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { searchEnvNames } from '../../schemas/resource-names.ts';
import { refillInputSchema } from '../../schemas/task-inputs.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { openSearchTransport } from './opensearch-client.ts';
import { writeChanges } from './opensearch-writer.ts';
import { refillSearchIndex } from './refill.ts';
import { dynamoRefillStore } from './refill-store.ts';

const endpoint =
  process.env[searchEnvNames.engine] === 'opensearch' ? process.env[searchEnvNames.endpoint] : undefined;

export const handler = taskHandler(async (input: z.infer<typeof refillInputSchema>) => {
  if (!endpoint) {
    logger.info('search refill: no OpenSearch domain in this deployment, nothing to refill');
    return { done: true, indexed: 0, runs: (input.runs ?? 0) + 1, skipped: 'no OpenSearch domain' };
  }
  const output = await refillSearchIndex(
    {
      store: dynamoRefillStore(documents, config.tableName('core')),
      write: (changes) => writeChanges(openSearchTransport(endpoint), changes),
      clock: Date.now,
    },
    input,
  );
  logger.info('search refill run', { ...output });
  return output;
}).use(parser({ schema: refillInputSchema }));
