/**
 * The environment of a function, computed from its declaration alone: the CDK construct
 * (infra/constructs/app-function.ts) and the local Lambda runtime (infra/local/lambda-runtime.ts) both
 * call `functionEnvironment`, so a function gets locally exactly the variables it gets in AWS, and a
 * resource it is not granted is as missing locally as it is in AWS (functions/shared/config.ts throws).
 * Only the values differ (physical names, the mail transport, the user directory).
 */

import { metricsNamespace, serviceName } from '../../schemas/business-metrics.ts';
import {
  type BucketName,
  envNames,
  identityEnvNames,
  mailEnvNames,
  type SearchEngine,
  type SettingName,
  searchEnvNames,
  settingEnvNames,
  type TableName,
  type WorkflowName,
} from '../../schemas/resource-names.ts';
import type { IdentityChoice } from '../deployment.ts';
import type { FunctionDeclaration } from './declarations.ts';

/** Where the declared resources are in one deployment (AWS: CloudFormation tokens; local: plain names). */
export interface DeploymentNames {
  stage: string;
  logLevel: string;
  table: (name: TableName) => string;
  bucket: (name: BucketName) => string;
  workflowArn: (name: WorkflowName) => string;
  scheduleGroup: string;
  /** Who signs the bearer tokens: the handlers read the claims accordingly (functions/shared/caller.ts). */
  identity: IdentityChoice;
  /**
   * AWS: SES v2 from the system's identity, or an SMTP relay whose credentials the function reads from
   * the secret (only its ARN is in the environment); locally: .eml files in the outbox folder.
   */
  mail:
    | { transport: 'ses'; from: string }
    | { transport: 'smtp'; from: string; smtpSecretArn: string }
    | { transport: 'outbox'; from: string; outboxDir: string };
  /**
   * AWS: the Cognito user pool, or (generic OIDC issuer, no directory API) the administrators who
   * registered their profile in the core table; locally: the dev users as JSON (functions/shared/directory.ts).
   */
  directory: { userPoolId: string } | { registered: true } | { devUsers: string };
  /** The HMAC key of list cursors (functions/shared/cursor.ts): AWS: its secret; locally: the key itself. */
  cursorSigning: { secretArn: string } | { key: string };
  /** Powertools Tracer on (SDK call subsegments; `sdkTracing` in infra/deployment.ts). */
  sdkTracing: boolean;
  /**
   * The search engine of the functions that declare `search`: AWS: the OpenSearch domain's endpoint;
   * absent: no engine (the search routes answer 503 NOT_CONFIGURED). The local cloud gives its
   * embedded engine to every function itself (infra/local/cloud.ts).
   */
  search?: { engine: SearchEngine; endpoint: string };
  /** The programme settings given to this deployment (unset ones keep the functions' defaults). */
  settings: Partial<Record<SettingName, string>>;
}

/** What a function does beyond its declaration's resources. */
export interface FunctionTraits {
  /** Serves a route that takes a cursor: signs and checks cursors. */
  signsCursors?: boolean;
}

export function functionEnvironment(
  declaration: FunctionDeclaration,
  names: DeploymentNames,
  traits: FunctionTraits = {},
): Record<string, string> {
  const environment: Record<string, string> = {
    STAGE: names.stage,
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
    POWERTOOLS_LOG_LEVEL: names.logLevel,
    POWERTOOLS_TRACE_ENABLED: String(names.sdkTracing),
    NODE_OPTIONS: '--enable-source-maps',
    ...identityEnvironment(names.identity),
  };
  for (const table of Object.keys(declaration.tables ?? {}) as TableName[])
    environment[envNames.table(table)] = names.table(table);
  for (const bucket of Object.keys(declaration.buckets ?? {}) as BucketName[])
    environment[envNames.bucket(bucket)] = names.bucket(bucket);
  for (const workflow of declaration.workflows ?? [])
    environment[envNames.workflow(workflow)] = names.workflowArn(workflow);
  if (declaration.sendsMail) {
    environment[mailEnvNames.transport] = names.mail.transport;
    environment[mailEnvNames.from] = names.mail.from;
    if (names.mail.transport === 'outbox') environment.MAIL_OUTBOX_DIR = names.mail.outboxDir;
    if (names.mail.transport === 'smtp') environment[mailEnvNames.smtpSecretArn] = names.mail.smtpSecretArn;
  }
  if (declaration.readsSchedules) environment.SCHEDULE_GROUP = names.scheduleGroup;
  if (declaration.search && names.search) {
    environment[searchEnvNames.engine] = names.search.engine;
    environment[searchEnvNames.endpoint] = names.search.endpoint;
  }
  if (declaration.readsUserDirectory) {
    const directory = names.directory;
    if ('userPoolId' in directory) environment.USER_POOL_ID = directory.userPoolId;
    else if ('registered' in directory) environment.USER_DIRECTORY = 'registered';
    else environment.DEV_USERS = directory.devUsers;
  }
  for (const setting of declaration.settings ?? []) {
    const value = names.settings[setting];
    if (value !== undefined) environment[settingEnvNames[setting]] = value;
  }
  if (traits.signsCursors) {
    const cursor = names.cursorSigning;
    if ('secretArn' in cursor) environment.CURSOR_SIGNING_SECRET_ARN = cursor.secretArn;
    else environment.CURSOR_SIGNING_KEY = cursor.key;
  }
  return environment;
}

/** IDENTITY_PROVIDER and, for a generic OIDC issuer, the claim names (CLAIM_*). */
function identityEnvironment(identity: IdentityChoice): Record<string, string> {
  if (identity.provider === 'cognito') return { [identityEnvNames.provider]: 'cognito' };
  return {
    [identityEnvNames.provider]: 'oidc',
    [identityEnvNames.claimGroups]: identity.claims.groups,
    [identityEnvNames.claimUscc]: identity.claims.uscc,
    [identityEnvNames.claimProvince]: identity.claims.province,
    [identityEnvNames.claimDepartment]: identity.claims.department,
    [identityEnvNames.claimMinistry]: identity.claims.ministry,
  };
}
