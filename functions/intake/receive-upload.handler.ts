/** S3 object-created under inbox/<USCC>/ (presigned upload or a direct drop): opens a batch job. */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas';
import type * as z from 'zod';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { taskChain } from '../shared/task-handler.ts';
import { startIngest } from './intake-deps.ts';
import { dynamoJobStore } from './job-store.ts';
import { receiveUpload } from './receive-upload.ts';

const jobs = dynamoJobStore(documents, config.tableName('core'));

export const handler = taskChain()
  .use(parser({ schema: S3Schema }))
  .handler(async (event: z.infer<typeof S3Schema>) => {
    const outcomes = [];
    for (const record of event.Records) {
      const outcome = await receiveUpload(
        { jobs, now: () => new Date(), startIngest },
        {
          bucket: record.s3.bucket.name,
          // S3 event keys are URL-encoded with '+' for spaces.
          key: decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')),
          size: record.s3.object.size ?? 0,
          eTag: record.s3.object.eTag,
          versionId: record.s3.object.versionId,
          sequencer: record.s3.object.sequencer,
          eventTime: String(record.eventTime),
          principalId: record.userIdentity?.principalId,
        },
      );
      if (outcome.outcome === 'refused')
        logger.warn('upload refused', {
          key: record.s3.object.key,
          principalId: record.userIdentity?.principalId,
          ...outcome,
        });
      else logger.info('upload received', { key: record.s3.object.key, ...outcome });
      outcomes.push(outcome);
    }
    return { outcomes };
  });
