import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { adminHealthRoute } from '../../schemas/routes/system.ts';
import { configuredMailer } from '../mail/mail-deps.ts';
import { dynamodb } from '../shared/clients/dynamodb.ts';
import { s3Sdk } from '../shared/clients/s3.ts';
import { schedulerSdk } from '../shared/clients/scheduler.ts';
import { sfnSdk } from '../shared/clients/sfn.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { checkHealth } from './health.ts';

const mailer = configuredMailer();

/** GET /v1/admin/health (national admins): every component probed, with a real write/read round trip. */
export const handler = httpRoute(adminHealthRoute, async () => {
  const health = await checkHealth({
    dynamodb: async () => {
      const { Table } = await dynamodb.send(
        new DescribeTableCommand({ TableName: config.tableName('core') }),
      );
      if (Table?.TableStatus !== 'ACTIVE') throw new Error(`core table is ${Table?.TableStatus}`);
      return undefined;
    },
    s3: async () => {
      const { sdk, client } = await s3Sdk();
      await client.send(new sdk.HeadBucketCommand({ Bucket: config.bucketName('drop') }));
      return undefined;
    },
    stepFunctions: async () => {
      // Runs the system-probe workflow: a real execution with a DynamoDB and an S3 round trip.
      const { sdk, client } = await sfnSdk();
      const run = await client.send(
        new sdk.StartSyncExecutionCommand({
          stateMachineArn: config.workflowArn('system-probe'),
          input: '{}',
        }),
      );
      if (run.status !== 'SUCCEEDED')
        throw new Error(`system-probe ${run.status}: ${run.error ?? ''} ${run.cause ?? ''}`.trim());
      return undefined;
    },
    scheduler: async () => {
      const { sdk, client } = await schedulerSdk();
      const group = await client.send(new sdk.GetScheduleGroupCommand({ Name: config.scheduleGroup() }));
      if (group.State !== 'ACTIVE') throw new Error(`schedule group ${group.Name} is ${group.State}`);
      return undefined;
    },
    mail: () => mailer.probe(),
  });
  return {
    status: health.status === 'ok' ? 200 : 503,
    body: health,
    headers: { 'cache-control': 'no-store' },
  };
});
