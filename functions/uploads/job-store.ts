import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JobStore } from './receive-upload.ts';

export const jobKey = (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' });

export function dynamoJobStore(documents: DynamoDBDocumentClient, tableName: string): JobStore {
  return {
    async createIfAbsent(job) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...jobKey(job.jobId),
              entity: 'job',
              gsi1pk: `INST#${job.institutionUscc}#JOB`,
              gsi1sk: `${job.createdAt}#${job.jobId}`,
              ...job,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
