/** Resource names and settings, read from the environment the stack (or the local cloud) sets. */
import {
  type BucketName,
  envNames,
  mailEnvNames,
  type TableName,
  type WorkflowName,
} from '../../schemas/resource-names.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `Environment variable ${name} is not set: declare the resource for this function in infra/resources.ts`,
    );
  }
  return value;
}

export const config = {
  stage: () => process.env.STAGE ?? 'dev',
  tableName: (name: TableName) => required(envNames.table(name)),
  bucketName: (name: BucketName) => required(envNames.bucket(name)),
  workflowArn: (name: WorkflowName) => required(envNames.workflow(name)),
  scheduleGroup: () => required('SCHEDULE_GROUP'),
  mail: () => ({
    transport: (process.env[mailEnvNames.transport] ?? 'ses') as 'ses' | 'smtp' | 'outbox',
    outboxDir: process.env.MAIL_OUTBOX_DIR ?? '.data/outbox',
    from: process.env[mailEnvNames.from] ?? 'noreply@example.org',
    /** With smtp: the secret holding the relay's settings (read at cold start, never in env). */
    smtpSecretArn: process.env[mailEnvNames.smtpSecretArn],
  }),
  /** s3rver (local) needs path-style URLs; AWS uses virtual-hosted style. */
  s3ForcePathStyle: () => process.env.S3_FORCE_PATH_STYLE === 'true',
};
