/**
 * Every resource of the system, declared once. The CDK stacks (infra/stacks) and the embedded local
 * cloud (infra/local) both read this file, and test/infra/declarations.test.ts fails if either one
 * drifts from it. Tables and buckets are declared here; functions, routes, events, workflows and
 * schedules in infra/resources/<area>.ts (one file per area, the same areas as functions/), joined here.
 * Add a resource there, not in a stack.
 */

import type { BucketName, TableName, WorkflowName } from '../schemas/resource-names.ts';
import { routes as apiRoutes } from '../schemas/routes/index.ts';
import { type RouteDeclaration, takesCursor } from '../schemas/routes/route.ts';
import type {
  BucketDeclaration,
  BucketNotificationDeclaration,
  DeployedRoute,
  FunctionDeclaration,
  ScheduleDeclaration,
  StreamConsumerDeclaration,
  TableDeclaration,
  WorkflowDeclaration,
} from './resources/declarations.ts';
import type { FunctionTraits } from './resources/environment.ts';
import { evaluationsFunctions, evaluationsSchedules } from './resources/evaluations.ts';
import { expertsFunctions } from './resources/experts.ts';
import { institutionsFunctions } from './resources/institutions.ts';
import { intakeBucketNotifications, intakeFunctions, intakeWorkflows } from './resources/intake.ts';
import { mailFunctions, mailSchedules } from './resources/mail.ts';
import { marketFunctions, marketSchedules } from './resources/market.ts';
import { metricsFunctions, metricsSchedules } from './resources/metrics.ts';
import { monitoringFunctions, monitoringSchedules } from './resources/monitoring.ts';
import { needsFunctions } from './resources/needs.ts';
import { negotiationFunctions } from './resources/negotiation.ts';
import { patentsFunctions } from './resources/patents.ts';
import { pipelineFunctions, pipelineWorkflows } from './resources/pipeline.ts';
import { poolFunctions } from './resources/pool.ts';
import { promotionFunctions, promotionSchedules, promotionWorkflows } from './resources/promotion.ts';
import { reportsFunctions, reportsSchedules, reportsWorkflows } from './resources/reports.ts';
import { searchFunctions, searchWorkflows } from './resources/search.ts';
import { streamsFunctions, streamsStreamConsumers } from './resources/streams.ts';
import { systemFunctions, systemWorkflows } from './resources/system.ts';
import { transferFunctions } from './resources/transfer.ts';

export type { BucketName, TableName, WorkflowName } from '../schemas/resource-names.ts';
export { envNames, scheduleGroupName, workflowStateMachineName } from '../schemas/resource-names.ts';
export type * from './resources/declarations.ts';
export {
  adminRoles,
  lambdaInvokeArn,
  lambdaInvokeResource,
  routeErrors,
  workflowVariables,
} from './resources/declarations.ts';

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/**
 * core: one table for the domain entities (single-table design, see docs/data-model.md).
 *   gsi1 "by owner": institution / enterprise / expert -> its items, sorted
 *   gsi2 "by province + status": province admins' lists and feeds
 *   gsi3 "by status + due date": deadlines and sweeps (sparse: only items with a deadline)
 * metrics: quarterly counters, written by the stream consumer; separate so that counter writes never
 *   feed the core stream back into itself.
 */
export const tables = {
  core: {
    description:
      'Domain entities: institutions, patents, jobs, evaluations, deals, audit entries, mail outbox',
    partitionKey: 'pk',
    sortKey: 'sk',
    globalIndexes: [
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
      { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
    ttlAttribute: 'expiresAt',
  },
  metrics: {
    description: 'Quarterly counters per province / institution, maintained from the core stream',
    partitionKey: 'pk',
    sortKey: 'sk',
    globalIndexes: [],
  },
} as const satisfies Record<string, TableDeclaration>;
/** Fails to compile when the table names (schemas/resource-names.ts) and the declared tables drift apart. */
export const tableNamesMatch: [TableName] extends [keyof typeof tables]
  ? [keyof typeof tables] extends [TableName]
    ? true
    : never
  : never = true;

// ---------------------------------------------------------------------------------------------
// Buckets
// ---------------------------------------------------------------------------------------------

export const buckets = {
  drop: {
    description:
      'Batch files dropped by institutions (inbox/<USCC>/...) and province administrators (inbox-enterprises/<province>/..., inbox-evaluations/<province>/..., inbox-legal-status/<province>/..., inbox-needs/<province>/...) and the error reports of their jobs',
    expireAfterDays: {
      'inbox/': 90,
      'inbox-enterprises/': 90,
      'inbox-evaluations/': 90,
      'inbox-legal-status/': 90,
      'inbox-needs/': 90,
      'errors/': 90,
      // Files sent only to be previewed (POST /v1/uploads, mode preview): never imported, kept a day.
      'inbox-preview/': 1,
    },
    browserUploads: true,
    // inbox/, inbox-enterprises/, inbox-evaluations/, inbox-legal-status/, inbox-needs/, inbox-preview/: the presigned POSTs of POST /v1/uploads (signed by
    // createUpload's role) and the declared integrations; never another function (ingestBatchFile
    // writes errors/ only) or another principal of the account.
    writeProtected: { prefix: 'inbox', writers: ['createUpload'] },
  },
  reports: {
    description: 'Quarterly reports (HTML, XLSX, PNG) and large mail attachments',
    expireAfterDays: { 'tmp/': 7 },
    browserUploads: false,
  },
} as const satisfies Record<string, BucketDeclaration>;

/** The fixed name of a function's role, for the bucket policies that name it (see writeProtected). */
export const functionRoleName = (stage: string, name: FunctionName) => `patents-${stage}-${name}`;

/** Functions whose role a bucket policy names: they get the fixed role name. */
export const namedRoleFunctions: ReadonlySet<FunctionName> = new Set(
  Object.values(buckets as Record<BucketName, BucketDeclaration>).flatMap(
    (bucket) => bucket.writeProtected?.writers ?? [],
  ),
);
export const bucketNamesMatch: [BucketName] extends [keyof typeof buckets]
  ? [keyof typeof buckets] extends [BucketName]
    ? true
    : never
  : never = true;

// ---------------------------------------------------------------------------------------------
// Areas joined: functions (one Lambda each, with the resources it may touch), HTTP routes, S3
// notifications, DynamoDB stream consumers, workflows (ASL in workflows/) and schedules
// ---------------------------------------------------------------------------------------------

/** Defaults for every function, in AWS and locally, unless its declaration says otherwise. */
export const functionDefaults = { timeoutSeconds: 10, memoryMb: 512 } as const;

export const functions = {
  ...systemFunctions,
  ...institutionsFunctions,
  ...intakeFunctions,
  ...patentsFunctions,
  ...searchFunctions,
  ...marketFunctions,
  ...expertsFunctions,
  ...needsFunctions,
  ...negotiationFunctions,
  ...evaluationsFunctions,
  ...poolFunctions,
  ...mailFunctions,
  ...promotionFunctions,
  ...pipelineFunctions,
  ...transferFunctions,
  ...metricsFunctions,
  ...monitoringFunctions,
  ...reportsFunctions,
  ...streamsFunctions,
} as const satisfies Record<string, FunctionDeclaration>;
export type FunctionName = keyof typeof functions;

/** Every HTTP route (schemas/routes/), each behind one declared function. */
export const routes = apiRoutes satisfies readonly DeployedRoute[];

export const bucketNotifications = [
  ...intakeBucketNotifications,
] as const satisfies readonly BucketNotificationDeclaration[];

/**
 * The readers of the table streams: one per stream (DynamoDB Streams advises at most two readers per
 * shard; the stateless stack refuses more), which hands each record to the consumers in process.
 */
export const streamConsumers = [
  ...streamsStreamConsumers,
] as const satisfies readonly StreamConsumerDeclaration[];

export const workflows = {
  ...systemWorkflows,
  ...intakeWorkflows,
  ...promotionWorkflows,
  ...pipelineWorkflows,
  ...reportsWorkflows,
  ...searchWorkflows,
} as const satisfies Record<string, WorkflowDeclaration>;
/** Fails to compile when the workflow names (schemas/resource-names.ts) and the declared workflows drift apart. */
export const workflowNamesMatch: [WorkflowName] extends [keyof typeof workflows]
  ? [keyof typeof workflows] extends [WorkflowName]
    ? true
    : never
  : never = true;

export const schedules = {
  ...marketSchedules,
  ...evaluationsSchedules,
  ...mailSchedules,
  ...promotionSchedules,
  ...metricsSchedules,
  ...monitoringSchedules,
  ...reportsSchedules,
} as const satisfies Record<string, ScheduleDeclaration>;
export type ScheduleName = keyof typeof schedules;

/** Functions behind a route that takes a cursor: they sign and check cursors (functions/shared/cursor.ts). */
const cursorSigningFunctions: ReadonlySet<string> = new Set([
  ...(routes as readonly RouteDeclaration[]).filter(takesCursor).map((route) => route.function),
  // The spot-check sampler derives its sample key from the same secret (derivedKey, issue 14).
  'assignSpotChecks',
]);

/** What a function does beyond its declaration (functionEnvironment, AppFunction). */
export function functionTraits(name: string): FunctionTraits {
  return { signsCursors: cursorSigningFunctions.has(name) };
}
