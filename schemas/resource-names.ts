/**
 * The names through which code and deployment meet: the logical names of tables, buckets and
 * workflows, the environment variables that carry their physical names, and the fixed physical names.
 * Dependency-free on purpose: the Lambda runtime (functions/shared/config.ts) and the deployment
 * (infra/) both read it, and no function bundle ever carries infra/.
 */
export const tableNames = ['core', 'metrics', 'idempotency'] as const;
export type TableName = (typeof tableNames)[number];
export const bucketNames = ['drop', 'reports'] as const;
export type BucketName = (typeof bucketNames)[number];
export const workflowNames = [
  'system-probe',
  'batch-ingest',
  'deadline-sweep',
  'patent-pipeline',
  'quarterly-report',
] as const;
export type WorkflowName = (typeof workflowNames)[number];

/** Environment variable names through which functions learn their resources. */
export const envNames = {
  table: (name: TableName) => `TABLE_${name.toUpperCase()}`,
  bucket: (name: BucketName) => `BUCKET_${name.toUpperCase()}`,
  workflow: (name: WorkflowName) => `WORKFLOW_${name.toUpperCase().replace(/-/g, '_')}_ARN`,
} as const;

/** Name of the EventBridge Scheduler group holding this system's schedules. */
export const scheduleGroupName = (stage: string) => `patents-${stage}`;

/** Name of a workflow's state machine (fixed, so functions can be granted it by name). */
export const workflowStateMachineName = (stage: string, workflow: WorkflowName) =>
  `patents-${stage}-${workflow}`;
