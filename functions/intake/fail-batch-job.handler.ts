/** batch-ingest workflow, on an error the retries did not cure: the job says it failed and what to do. */

import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { failedIngestInputSchema } from '../../schemas/task-inputs.ts';
import { metrics, recorder } from '../shared/business-metrics.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { institutions, jobs } from './intake-deps.ts';
import { recordJobFailure } from './job-mail.ts';
import { recordJobEnd } from './job-metrics.ts';

const deps = { jobs: jobs(), institutions: institutions(), now: () => new Date() };

export const handler = taskHandler(async (event: z.infer<typeof failedIngestInputSchema>) => {
  logger.error('batch ingest failed', { jobId: event.jobId, error: event.error });
  const result = await recordJobFailure(deps, event.jobId, {
    code: 'INTERNAL_ERROR',
    messageZh:
      '处理文件时发生系统错误，已记录。请稍后重新上传同一文件（已导入的行不会重复导入）；如仍失败，请将任务编号告知运维人员',
    messageEn: `The system failed while processing the file (${event.error?.Error ?? 'error'}); it was logged. Upload the same file again later (rows already stored are not stored twice); if it fails again, give the operators the job id`,
  });
  recordJobEnd(recorder, result);
  return result;
})
  .use(logMetrics(metrics))
  .use(parser({ schema: failedIngestInputSchema }));
