/**
 * The shapes of the declarations in infra/resources.ts and infra/resources/<area>.ts, and the pieces
 * the route declarations of several areas share.
 */
import type { SettingName } from '../../schemas/resource-names.ts';
import type { RouteDeclaration } from '../../schemas/routes/route.ts';
import type { BucketName, FunctionName, TableName, WorkflowName } from '../resources.ts';

export interface KeyDeclaration {
  partitionKey: string;
  sortKey?: string;
}
export interface TableDeclaration extends KeyDeclaration {
  description: string;
  globalIndexes: Array<{ name: string } & KeyDeclaration>;
  stream?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE';
  ttlAttribute?: string;
}

export interface BucketDeclaration {
  description: string;
  /** Objects under these prefixes expire after the given number of days. */
  expireAfterDays: Record<string, number>;
  /** Browsers upload with presigned POSTs: CORS for POST from any origin (the signed policy is the credential). */
  browserUploads: boolean;
  /**
   * Keys starting with `prefix` may be written (s3:PutObject, which also covers copies and multipart
   * uploads) only by these functions' roles and the deployment's declared integration principals
   * (`inboxWriterArns`): a bucket-policy Deny for every other principal, however broad its IAM grants.
   */
  writeProtected?: { prefix: string; writers: readonly FunctionName[] };
}

export type Access = 'read' | 'write' | 'readWrite';
export interface FunctionDeclaration {
  /** Module exporting `handler`, relative to the repository root. */
  entry: string;
  description: string;
  timeoutSeconds?: number;
  memoryMb?: number;
  tables?: Partial<Record<TableName, Access>>;
  buckets?: Partial<Record<BucketName, Access>>;
  /** Workflows this function may start (StartExecution / StartSyncExecution) or describe. */
  workflows?: WorkflowName[];
  /** Needs to send email (SES v2 SendEmail). */
  sendsMail?: boolean;
  /** Needs to read schedule groups (health). */
  readsSchedules?: boolean;
  /** Lists the admin groups of the user pool (cognito-idp:ListUsersInGroup; env USER_POOL_ID). */
  readsUserDirectory?: boolean;
  /**
   * Reaches the search engine (docs/search.md): `read` searches the patent and need indices (_search,
   * _analyze), `write` creates them and writes documents (_bulk). Gets SEARCH_ENGINE / SEARCH_ENDPOINT.
   */
  search?: 'read' | 'write';
  /** Programme settings it reads (deployment context -> its environment; schemas/resource-names.ts). */
  settings?: readonly SettingName[];
  /**
   * Repository files copied beside the bundle's index.mjs (a font, a .wasm), found via import.meta.url.
   * There is deliberately no way to install npm packages into a bundle: that would need the registry at
   * synth time. Native modules are replaced by their WebAssembly builds.
   */
  bundleFiles?: readonly string[];
}

export type { HttpMethod, RouteDeclaration } from '../../schemas/routes/route.ts';
export { adminRoles, routeErrors } from '../../schemas/routes/route.ts';
/** A route with its function checked against the declared functions. */
export type DeployedRoute = RouteDeclaration & { function: FunctionName };

export interface BucketNotificationDeclaration {
  bucket: BucketName;
  prefix: string;
  function: FunctionName;
}
export interface StreamConsumerDeclaration {
  table: TableName;
  function: FunctionName;
  /**
   * Lambda event filter patterns on the stream record (EventBridge pattern syntax, exact values): the
   * reader is invoked for a record that matches any of them (at most 5, the Lambda limit).
   */
  filterPatterns: ReadonlyArray<Record<string, unknown>>;
  batchSize: number;
  /** Attempts of a failing batch before it is set aside (Lambda retryAttempts). */
  retryAttempts: number;
}

/**
 * Substitution variables every workflow definition may use besides its task variables. The Lambda
 * invoke integration's ARN depends on the partition (arn:aws:states:::lambda:invoke, arn:aws-cn:... in
 * AWS China), so the definitions name it by a variable and hold no literal `arn:aws:`. A whole-string
 * variable, not `arn:${Partition}:...`: cfn-lint checks Task resources against `^arn:aws:` unless the
 * value is exactly a declared substitution.
 */
export const workflowVariables = { lambdaInvoke: 'LambdaInvoke' } as const;
/** The one Task resource of the definitions: the Lambda invoke integration, in the deployment's partition. */
export const lambdaInvokeResource = `\${${workflowVariables.lambdaInvoke}}`;
/** What the variable stands for in a partition. */
export const lambdaInvokeArn = (partition: string) => `arn:${partition}:states:::lambda:invoke`;

export interface WorkflowDeclaration {
  file: string;
  description: string;
  type: 'EXPRESS' | 'STANDARD';
  /** Substitution variable used in the ASL (as "${Name}") -> the function behind it. */
  tasks: Record<string, FunctionName>;
}

export interface ScheduleDeclaration {
  description: string;
  /** EventBridge Scheduler cron: cron(minutes hours day-of-month month day-of-week year). */
  cron: string;
  timezone: string;
  target: { function: FunctionName } | { workflow: WorkflowName };
  /** Fixed input of the target (JSON); locally, `npm run job -- <name> --key value` pairs override it. */
  input?: Record<string, unknown>;
}
