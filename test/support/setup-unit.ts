// Registers the aws-sdk-client-mock matchers (toHaveReceivedCommandWith, ...) and the environment the
// functions read, with placeholder resource names: unit tests never reach AWS.
import 'aws-sdk-client-mock-vitest/extend';

Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'unit',
  AWS_SECRET_ACCESS_KEY: 'unit',
  TABLE_CORE: 'unit-core',
  TABLE_METRICS: 'unit-metrics',
  BUCKET_DROP: 'unit-drop',
  BUCKET_REPORTS: 'unit-reports',
  WORKFLOW_SYSTEM_PROBE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:unit-system-probe',
  SCHEDULE_GROUP: 'unit',
  MAIL_TRANSPORT: 'outbox',
  STAGE: 'unit',
});
