/**
 * The environment of a function, computed from its declaration alone: the CDK construct
 * (infra/constructs/app-function.ts) and the local Lambda runtime (infra/local/lambda-runtime.ts) both
 * call `functionEnvironment`, so a function gets locally exactly the variables it gets in AWS, and a
 * resource it is not granted is as missing locally as it is in AWS (functions/shared/config.ts throws).
 * Only the values differ (physical names, the mail transport, the user directory).
 */
import {
  type BucketName,
  envNames,
  type TableName,
  type WorkflowName,
} from '../../schemas/resource-names.ts';
import type { FunctionDeclaration } from './declarations.ts';

/** Where the declared resources are in one deployment (AWS: CloudFormation tokens; local: plain names). */
export interface DeploymentNames {
  stage: string;
  logLevel: string;
  table: (name: TableName) => string;
  bucket: (name: BucketName) => string;
  workflowArn: (name: WorkflowName) => string;
  scheduleGroup: string;
  /** AWS: SES v2 from the system's identity; locally: .eml files in the outbox folder. */
  mail: { transport: 'ses'; from: string } | { transport: 'outbox'; from: string; outboxDir: string };
  /** AWS: the Cognito user pool; locally: the dev users as JSON (functions/shared/directory.ts). */
  directory: { userPoolId: string } | { devUsers: string };
}

export function functionEnvironment(
  declaration: FunctionDeclaration,
  names: DeploymentNames,
): Record<string, string> {
  const environment: Record<string, string> = {
    STAGE: names.stage,
    POWERTOOLS_SERVICE_NAME: 'patents',
    POWERTOOLS_METRICS_NAMESPACE: 'Patents',
    POWERTOOLS_LOG_LEVEL: names.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
  for (const table of Object.keys(declaration.tables ?? {}) as TableName[])
    environment[envNames.table(table)] = names.table(table);
  for (const bucket of Object.keys(declaration.buckets ?? {}) as BucketName[])
    environment[envNames.bucket(bucket)] = names.bucket(bucket);
  for (const workflow of declaration.workflows ?? [])
    environment[envNames.workflow(workflow)] = names.workflowArn(workflow);
  if (declaration.sendsMail) {
    environment.MAIL_TRANSPORT = names.mail.transport;
    environment.MAIL_FROM = names.mail.from;
    if (names.mail.transport === 'outbox') environment.MAIL_OUTBOX_DIR = names.mail.outboxDir;
  }
  if (declaration.readsSchedules) environment.SCHEDULE_GROUP = names.scheduleGroup;
  if (declaration.readsUserDirectory) {
    if ('userPoolId' in names.directory) environment.USER_POOL_ID = names.directory.userPoolId;
    else environment.DEV_USERS = names.directory.devUsers;
  }
  return environment;
}
