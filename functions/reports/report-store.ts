/**
 * DynamoDB and S3 adapters of the report ports. Items (docs/data-model.md, "Quarterly reports"):
 *   REPORT#<quarter> / SCOPE#<scope>        the report of a scope (gsi1 REPORTS#<scope> by quarter,
 *                                           gsi2 REPORTS by quarter#scope)
 *   REPORT#<quarter> / SENT#<scope>#<sub>   sent marker: this admin got this scope's report (run, mail)
 *   REPORT#<quarter> / RUN                  the last run: execution, resend, failed scopes
 *   REPORT#<quarter> / AUDIT#...            audit entry of each recording
 *   ADMIN#<sub> / REPORT_PREFERENCES        an admin's opt-out flag (+ AUDIT#... in the same partition)
 */

import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Caller } from '../../schemas/roles.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import { auditItem, systemActor } from '../shared/audit.ts';
import { s3RequestPresigner, s3Sdk } from '../shared/clients/s3.ts';
import { registeredAdminProfile, reportPreferencesKey } from '../shared/directory.ts';
import { indexes, keys, prefixes } from '../shared/dynamo/keys.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { ReportFiles, ReportRecord, ReportStore, SentMarker } from './reports.ts';

export const reportPk = keys.reportPk;
const scopeSk = keys.reportScopeSk;
const sentSk = keys.reportSentSk;
/** Who records reports: the workflow, not a person. */
export const reportSystemActor = systemActor('quarterly-report');

/** Report files in S3; the SDK packages are loaded on first use (functions/shared/clients/s3.ts). */
export function s3ReportFiles(bucket: string): ReportFiles & { presign(key: string): Promise<string> } {
  return {
    async put(key, body, contentType) {
      const { sdk, client } = await s3Sdk();
      await client.send(
        new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      );
    },
    async get(key) {
      const { sdk, client } = await s3Sdk();
      try {
        const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await object.Body!.transformToByteArray());
      } catch (error) {
        if (error instanceof sdk.NoSuchKey || (error as { name?: string }).name === 'NoSuchKey')
          return undefined;
        throw error;
      }
    },
    async presign(key) {
      const [{ sdk, client }, { getSignedUrl }] = await Promise.all([s3Sdk(), s3RequestPresigner()]);
      return getSignedUrl(client, new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 900 });
    },
  };
}

export interface StoredReport extends ReportRecord {}

export interface ReportReads {
  get(quarter: string, scope: string): Promise<StoredReport | undefined>;
  /** Newest quarter first; one scope (gsi1) or every scope (gsi2). */
  list(
    scope: string | undefined,
    limit: number,
    startKey: Record<string, unknown> | undefined,
  ): Promise<{ items: StoredReport[]; lastKey?: Record<string, unknown> }>;
  putPreferences(caller: Caller, reportsOptOut: boolean, at: string): Promise<void>;
  getPreferences(sub: string): Promise<{ reportsOptOut: boolean }>;
}

function toRecord(item: Record<string, unknown>): StoredReport {
  const { pk, sk, entity, gsi1pk, gsi1sk, gsi2pk, gsi2sk, ...rest } = item;
  return rest as unknown as StoredReport;
}

export function dynamoReportStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: () => Date = () => new Date(),
): ReportStore & ReportReads {
  return {
    async sentMarkers(quarter, scope) {
      const markers = new Map<string, SentMarker>();
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sent)',
            ExpressionAttributeValues: { ':pk': reportPk(quarter), ':sent': prefixes.reportSentOf(scope) },
            ExclusiveStartKey: start,
            ConsistentRead: true,
          }),
        );
        for (const item of page.Items ?? [])
          markers.set(String(item.sub), {
            sub: String(item.sub),
            runId: String(item.runId),
            mailId: String(item.mailId),
          });
        start = page.LastEvaluatedKey;
      } while (start);
      return markers;
    },

    async queueReportMail({ quarter, scope, sub, runId, resend, message }) {
      const at = now();
      const mail = newMailItem(message, at);
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: {
                pk: reportPk(quarter),
                sk: sentSk(scope, sub),
                entity: 'report-sent',
                quarter,
                scope,
                sub,
                runId,
                mailId: mail.mailId,
                to: message.to[0],
                at: at.toISOString(),
              },
              // Another run of this quarter may have sent it meanwhile; a resend run sends once per run.
              ...(resend
                ? {
                    ConditionExpression: 'attribute_not_exists(pk) OR runId <> :run',
                    ExpressionAttributeValues: { ':run': runId },
                  }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
          { Put: { TableName: tableName, Item: mailOutboxItem(mail) } },
        ],
        {
          what: `the ${quarter} report mail of ${scope} to ${sub}`,
          conditionFailed: (failed) => (failed.includes(0) ? 'sent-before' : undefined),
        },
      );
      return { mailId: mail.mailId, queued: outcome === 'committed' };
    },

    async recordReport({ quarter, runId, resend, records, failures, at }) {
      const items: Array<Record<string, unknown>> = records.map((r) => ({
        pk: reportPk(quarter),
        sk: scopeSk(r.scope),
        entity: 'report',
        gsi1pk: indexes.reportsOfScope(r.scope),
        gsi1sk: quarter,
        gsi2pk: indexes.reports,
        gsi2sk: `${quarter}#${r.scope}`,
        ...r,
      }));
      items.push({
        pk: reportPk(quarter),
        sk: 'RUN',
        entity: 'report-run',
        quarter,
        runId,
        resend,
        at,
        scopes: records.map((r) => r.scope),
        failures,
      });
      items.push(
        // Each run records itself anew (the scope records and RUN replaced): a `created` entry per run,
        // whose predecessor's values are in the predecessor's own entry.
        auditItem({
          kind: 'created',
          pk: reportPk(quarter),
          action: 'report.recorded',
          caller: reportSystemActor,
          at,
          after: {
            scopes: records.length,
            failedScopes: failures.map((f) => f.scope),
            resend,
            queued: records.reduce((n, r) => n + r.recipients.filter((x) => x.status === 'queued').length, 0),
          },
          executionArn: runId,
        }),
      );
      // Every scope record replaced at once with the run and its audit entry (at most 100 items).
      for (let i = 0; i < items.length; i += 100) {
        await transact(
          documents,
          items.slice(i, i + 100).map((Item) => ({ Put: { TableName: tableName, Item } })),
          { what: `the ${quarter} report records` },
        );
      }
    },

    async get(quarter, scope) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { pk: reportPk(quarter), sk: scopeSk(scope) } }),
      );
      return Item ? toRecord(Item) : undefined;
    },

    async list(scope, limit, startKey) {
      const input: QueryCommandInput = scope
        ? {
            TableName: tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': indexes.reportsOfScope(scope) },
          }
        : {
            TableName: tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': indexes.reports },
          };
      const page = await documents.send(
        new QueryCommand({ ...input, ScanIndexForward: false, Limit: limit, ExclusiveStartKey: startKey }),
      );
      return { items: (page.Items ?? []).map(toRecord), lastKey: page.LastEvaluatedKey };
    },

    /**
     * Replaces the admin's preferences conditioned on the item read just before (its `version`; items
     * written before it had one: on having none), so that the audit entry's `before` is the value
     * replaced; a write in between (the same admin, twice at once) is read and written again.
     */
    async putPreferences(caller, reportsOptOut, at) {
      const key = reportPreferencesKey(caller.sub);
      for (let attempt = 1; ; attempt++) {
        const { Item: read } = await documents.send(
          new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
        );
        const version = typeof read?.version === 'number' ? read.version : undefined;
        const outcome = await transact(
          documents,
          [
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...key,
                  entity: 'report-preferences',
                  sub: caller.sub,
                  reportsOptOut,
                  version: (version ?? 0) + 1,
                  updatedAt: at,
                  // The admin's profile as the token states it: the admin directory of a deployment
                  // whose OIDC issuer offers no directory API (USER_DIRECTORY=registered).
                  ...registeredAdminProfile(caller),
                },
                ...(read === undefined
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : version === undefined
                    ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(version)' }
                    : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } }),
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: auditItem({
                  ...(read ? { kind: 'updated', before: read } : { kind: 'created' as const }),
                  pk: key.pk,
                  action: 'report-preferences.updated',
                  caller,
                  at,
                  after: { reportsOptOut },
                  version: (version ?? 0) + 1,
                }),
              },
            },
          ],
          {
            what: 'your report preferences',
            conditionFailed: (failed) => (failed.includes(0) && attempt < 5 ? 'again' : undefined),
          },
        );
        if (outcome === 'committed') return;
      }
    },

    async getPreferences(sub) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: reportPreferencesKey(sub) }),
      );
      return { reportsOptOut: Item?.reportsOptOut === true };
    },
  };
}
