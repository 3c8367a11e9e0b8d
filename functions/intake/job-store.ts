/** DynamoDB adapter of the batch-job record: created once per object, claimed once, progress, outcome. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ErrorRow } from '../../schemas/batch-job.ts';
import type { MailItem } from '../mail/mail-outbox.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import { auditItem, systemActor } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { type TransactItem, transact } from '../shared/dynamo/transact.ts';
import type { IngestCounts } from './ingest.ts';
import type { JobListStore } from './jobs.ts';
import type { BatchJobQueued, JobStore } from './receive-upload.ts';

export const jobKey = keys.job;

export interface StoredJob extends Omit<BatchJobQueued, 'status'> {
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  /** Who stored the file of an announced job (S3 event userIdentity.principalId). */
  storedBy?: { principalId: string };
  rowsTotal?: number;
  rowsAccepted?: number;
  rowsRejected?: number;
  rowsUnchanged?: number;
  bytesRead?: number;
  errorReportKey?: string;
  /** Error and warning rows of the report, exactly (the report lists them all). */
  errorCount?: number;
  warningCount?: number;
  /** The first error rows by row number (at most `errorsOnJob`). */
  firstErrors?: ErrorRow[];
  failure?: { code: string; messageZh: string; messageEn: string };
  warnings?: string[];
  startedAt?: string;
  finishedAt?: string;
  claimedBy?: string;
}

export interface BatchJobStore extends JobStore {
  get(jobId: string): Promise<StoredJob | undefined>;
  /** queued -> running; also takes back a running job from the same execution (a retried task). */
  claim(jobId: string, executionId: string, at: string): Promise<StoredJob | undefined>;
  progress(jobId: string, counts: IngestCounts, bytesRead: number): Promise<void>;
  /** Records the mapping profile (name and version read) the running job reads its file with. */
  noteProfile(jobId: string, profile: { name: string; version: number }): Promise<void>;
  /**
   * running -> succeeded, only if this execution still holds the job (a job failed meanwhile, e.g. by
   * the workflow's timeout, stays failed: no job ends "succeeded" with a failure); the end-of-job email
   * goes in the same transaction. False when the job was no longer this execution's.
   */
  succeed(
    jobId: string,
    counts: IngestCounts,
    report: JobReport | undefined,
    warnings: string[],
    at: string,
    end: { executionId: string; mail?: MailItem },
  ): Promise<boolean>;
  /** -> failed, unless it succeeded; the end-of-job email in the same transaction. False when it had succeeded. */
  fail(
    jobId: string,
    failure: { code: string; messageZh: string; messageEn: string },
    at: string,
    mail?: MailItem,
  ): Promise<boolean>;
}

/** The job's error report: its key, exact counts of its lines, and the first error rows. */
export interface JobReport {
  key: string;
  errorCount: number;
  warningCount: number;
  firstErrors: ErrorRow[];
}

const countValues = (counts: IngestCounts) => ({
  ':total': counts.rowsTotal,
  ':accepted': counts.rowsAccepted,
  ':rejected': counts.rowsRejected,
  ':unchanged': counts.rowsUnchanged,
});
const setCounts =
  'rowsTotal = :total, rowsAccepted = :accepted, rowsRejected = :rejected, rowsUnchanged = :unchanged';

export function dynamoJobStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): BatchJobStore & JobListStore {
  /** The job's final write and its email (if any), together; false when the job's condition failed. */
  const endJob = async (jobId: string, update: TransactItem, mail: MailItem | undefined, to: string) => {
    const outcome = await transact(
      documents,
      [
        update,
        ...(mail
          ? [
              {
                Put: {
                  TableName: tableName,
                  Item: mailOutboxItem(mail),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ]
          : []),
      ],
      {
        what: `the end (${to}) of batch job ${jobId}`,
        conditionFailed: (failed) => (failed.includes(0) ? 'not-ours' : undefined),
      },
    );
    return outcome === 'committed';
  };
  return {
    /** The job and its `job.created` audit entry, in one transaction; false when the job exists. */
    async createIfAbsent(job) {
      const key = jobKey(job.jobId);
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...key,
                entity: 'job',
                // An institution's jobs, or a province's enterprise and evaluation jobs.
                gsi1pk: job.institutionUscc
                  ? indexes.institutionJobs(job.institutionUscc)
                  : // A job without an institution (enterprise, evaluation uploads) has a province.
                    indexes.provinceJobs(job.provinceCode as string),
                gsi1sk: `${job.createdAt}#${job.jobId}`,
                rowsTotal: 0,
                rowsAccepted: 0,
                rowsRejected: 0,
                rowsUnchanged: 0,
                bytesRead: 0,
                ...job,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'created',
                pk: key.pk,
                action: 'job.created',
                // Who announced the upload; a file dropped straight into the bucket is received by the system.
                caller: job.uploadedBy
                  ? {
                      ...job.uploadedBy,
                      ...(job.institutionUscc ? { orgUscc: job.institutionUscc } : {}),
                      ...(job.provinceCode ? { provinceCode: job.provinceCode } : {}),
                    }
                  : systemActor('receive-upload'),
                at: job.createdAt,
                after: job,
              }),
            },
          },
        ],
        {
          what: `the batch job ${job.jobId}`,
          conditionFailed: (failed) => (failed.includes(0) ? 'exists' : undefined),
        },
      );
      return outcome === 'committed';
    },
    async attachObject(jobId, object) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: jobKey(jobId),
            UpdateExpression: `SET sequencer = :seq, sizeBytes = :size, fileName = :name${
              object.principalId ? ', storedBy = :principal' : ''
            }`,
            // The job's own key (owner, kind, file) and a job still waiting for its file.
            ConditionExpression:
              'attribute_exists(pk) AND #key = :key AND #status = :queued AND attribute_not_exists(sequencer)',
            ExpressionAttributeNames: { '#key': 'key', '#status': 'status' },
            ExpressionAttributeValues: {
              ':seq': object.sequencer,
              ':size': object.sizeBytes,
              ':name': object.fileName,
              ':key': object.key,
              ':queued': 'queued',
              ...(object.principalId ? { ':principal': { principalId: object.principalId } } : {}),
            },
          }),
        );
        return 'received';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const { Item } = await documents.send(
          new GetCommand({ TableName: tableName, Key: jobKey(jobId), ConsistentRead: true }),
        );
        if (!Item) return 'absent';
        if (Item.key !== object.key) return 'foreign';
        return Item.sequencer === object.sequencer ? 'duplicate' : 'other';
      }
    },
    async get(jobId) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: jobKey(jobId), ConsistentRead: true }),
      );
      return Item as StoredJob | undefined;
    },
    async list(listing, filter, page) {
      const partition =
        'institutionUscc' in listing
          ? indexes.institutionJobs(listing.institutionUscc)
          : indexes.provinceJobs(listing.provinceCode);
      // The cursor is bound to the partition and the filters: it continues this listing only.
      const name = `jobs:${partition}:${filter.status ?? '*'}:${filter.kind ?? '*'}:${filter.department ?? '*'}`;
      const conditions: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':p': partition };
      if (filter.status) {
        conditions.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = filter.status;
      }
      if (filter.kind) {
        // Jobs made before kinds existed carry none: they are inventory jobs.
        conditions.push(
          filter.kind === 'inventory' ? '(attribute_not_exists(#kind) OR #kind = :kind)' : '#kind = :kind',
        );
        names['#kind'] = 'kind';
        values[':kind'] = filter.kind;
      }
      if (filter.department !== undefined) {
        conditions.push('#uploadedBy.#department = :department');
        names['#uploadedBy'] = 'uploadedBy';
        names['#department'] = 'department';
        values[':department'] = filter.department;
      }
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ...(conditions.length > 0
            ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names }
            : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(name, page.cursor, 'job listing'),
        }),
      );
      const nextCursor = encodeCursor(name, result.LastEvaluatedKey);
      return {
        items: (result.Items ?? []).map((item) => {
          const { pk, sk, entity, gsi1pk, gsi1sk, ...job } = item;
          return job as StoredJob;
        }),
        ...(nextCursor ? { nextCursor } : {}),
      };
    },
    async claim(jobId, executionId, at) {
      try {
        const { Attributes } = await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: jobKey(jobId),
            UpdateExpression:
              'SET #status = :running, startedAt = if_not_exists(startedAt, :at), claimedBy = :exec',
            ConditionExpression:
              'attribute_exists(pk) AND (#status = :queued OR (#status = :running AND claimedBy = :exec))',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':running': 'running',
              ':queued': 'queued',
              ':at': at,
              ':exec': executionId,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes as StoredJob;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
    async progress(jobId, counts, bytesRead) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: jobKey(jobId),
          UpdateExpression: `SET ${setCounts}, bytesRead = :bytes`,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...countValues(counts), ':bytes': bytesRead, ':running': 'running' },
        }),
      );
    },
    async noteProfile(jobId, profile) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: jobKey(jobId),
          UpdateExpression: 'SET profile = :profile',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':profile': profile },
        }),
      );
    },
    async succeed(jobId, counts, report, warnings, at, end) {
      const update: TransactItem = {
        Update: {
          TableName: tableName,
          Key: jobKey(jobId),
          UpdateExpression: `SET #status = :succeeded, ${setCounts}, bytesRead = sizeBytes, finishedAt = :at, warnings = :warnings${report ? ', errorReportKey = :report, errorCount = :errors, warningCount = :warningCount, firstErrors = :first' : ''}`,
          ConditionExpression: '#status = :running AND claimedBy = :exec',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...countValues(counts),
            ':succeeded': 'succeeded',
            ':running': 'running',
            ':exec': end.executionId,
            ':at': at,
            ':warnings': warnings,
            ...(report
              ? {
                  ':report': report.key,
                  ':errors': report.errorCount,
                  ':warningCount': report.warningCount,
                  ':first': report.firstErrors,
                }
              : {}),
          },
        },
      };
      return endJob(jobId, update, end.mail, 'succeeded');
    },
    async fail(jobId, failure, at, mail) {
      const update: TransactItem = {
        Update: {
          TableName: tableName,
          Key: jobKey(jobId),
          UpdateExpression: 'SET #status = :failed, failure = :failure, finishedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :succeeded',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':failure': failure,
            ':at': at,
            ':succeeded': 'succeeded',
          },
        },
      };
      return endJob(jobId, update, mail, 'failed');
    },
  };
}
