/** batch-ingest task: ingests the job's file (see ingest-file.ts), whatever its kind. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type * as z from 'zod';
import { ingestTaskInputSchema } from '../../schemas/task-inputs.ts';
import { lateTiering } from '../evaluations/tiering-deps.ts';
import { logger } from '../shared/powertools.ts';
import { ingestBatchFile } from './ingest-file.ts';
import {
  enterpriseRowWriter,
  errorReports,
  evaluationRowWriter,
  institutions,
  jobs,
  legalStatusRowWriter,
  openObject,
  patentWriter,
} from './intake-deps.ts';
import { profiles } from './profile-deps.ts';

const deps = {
  jobs: jobs(),
  patents: patentWriter(),
  enterprises: enterpriseRowWriter(),
  evaluations: evaluationRowWriter(lateTiering()),
  legalStatuses: legalStatusRowWriter(),
  institutions: institutions(),
  profiles: profiles(),
  openObject,
  errorReports: errorReports(),
  now: () => new Date(),
};

export const handler = middy(async (event: z.infer<typeof ingestTaskInputSchema>) => {
  const result = await ingestBatchFile(deps, event.jobId, event.executionId);
  logger.info('batch file ingested', { ...result });
  return result;
})
  .use(injectLambdaContext(logger))
  .use(parser({ schema: ingestTaskInputSchema }));
