import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { bucketName, clients, eventually, tableName } from './helpers.ts';

describe('an object dropped into the drop bucket', () => {
  it('reaches receiveUpload as an S3 event that Powertools S3Schema accepts, which opens a batch job', async () => {
    const { s3, documents } = clients();
    const uscc = withUsccCheck('12110000MB0000099');
    const key = `inbox/${uscc}/盘点 2026.csv`;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucketName('drop'),
        Key: key,
        Body: '申请号,专利名称\n',
        ContentType: 'text/csv',
      }),
    );
    // The handler parses the event with S3Schema (parser middleware, throws on mismatch): a job exists only if it passed.
    const jobs = await eventually(
      async () => {
        const { Items = [] } = await documents.send(
          new QueryCommand({
            TableName: tableName('core'),
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': `INST#${uscc}#JOB` },
          }),
        );
        return Items.length ? Items : undefined;
      },
      15_000,
      'the batch job',
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      key,
      fileName: '盘点 2026.csv',
      institutionUscc: uscc,
      bucket: bucketName('drop'),
      sizeBytes: Buffer.byteLength('申请号,专利名称\n'),
    });
    // This institution is not registered: the started ingest ends the job, saying what to do.
    const ended = await eventually(
      async () => {
        const { Item } = await documents.send(
          new GetCommand({ TableName: tableName('core'), Key: { pk: `JOB#${jobs[0]!.jobId}`, sk: 'JOB' } }),
        );
        return Item?.status === 'failed' ? Item : undefined;
      },
      15_000,
      'the job to end',
    );
    expect(ended.failure).toMatchObject({
      code: 'INSTITUTION_NOT_REGISTERED',
      messageEn: expect.stringContaining('ask your province administrator'),
    });
  });
});
