/** batch-ingest task: ingests the job's file (see ingest-file.ts), whatever its kind. */

import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { ingestTaskInputSchema } from '../../schemas/task-inputs.ts';
import { lateTiering } from '../evaluations/tiering-deps.ts';
import { needDeps } from '../needs/need-deps.ts';
import { metrics, recorder } from '../shared/business-metrics.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
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
import { recordJobEnd } from './job-metrics.ts';
import { needWriter } from './need-kind.ts';
import { profiles } from './profile-deps.ts';

const deps = {
  jobs: jobs(),
  patents: patentWriter(),
  enterprises: enterpriseRowWriter(),
  evaluations: evaluationRowWriter(lateTiering()),
  legalStatuses: legalStatusRowWriter(),
  // Technology needs posted in bulk: posted open and matched with the pool through search (only this
  // function carries the search client, not the other intake functions).
  needs: needWriter(needDeps()),
  institutions: institutions(),
  profiles: profiles(),
  openObject,
  errorReports: errorReports(),
  now: () => new Date(),
};

export const handler = taskHandler(async (event: z.infer<typeof ingestTaskInputSchema>) => {
  const result = await ingestBatchFile(deps, event.jobId, event.executionId);
  logger.info('batch file ingested', { ...result });
  recordJobEnd(recorder, result);
  return result;
})
  .use(logMetrics(metrics))
  .use(parser({ schema: ingestTaskInputSchema }));
