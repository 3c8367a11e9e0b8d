/**
 * DynamoDB adapters of the monitoring ports (docs/data-model.md, "Monitoring"):
 * - spot checks live in core: `SPOT#<quarter>#PROV#<code>` / `CHECK#<USCC>#<number>`, with the sample
 *   record of each institution (`INST#<USCC>`, the per-quarter idempotency marker) and the audit
 *   entries in the same partition; a province's checks of a quarter are one Query;
 * - sample settings of an institution: core `INST#<USCC>` / `MONITORING`;
 * - the 5-year-rule list is kept in the metrics table by the metrics stream consumer:
 *   `FU#INST#<USCC>` / `<grant date>#<number>` and `FU#PROV#<code>` / `<grant date>#<USCC>#<number>`,
 *   read with `sk < <cutoff date>$` (grant date on or before the cutoff).
 */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Quarter } from '../../schemas/metrics.ts';
import type { SpotCheck, SpotCheckSample } from '../../schemas/monitoring.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import { actorLabel, auditItem, systemActor } from '../shared/audit.ts';
import { indexes, keys, prefixes } from '../shared/dynamo/keys.ts';
import { queryAll } from '../shared/dynamo/query.ts';
import { type TransactItem, transact } from '../shared/dynamo/transact.ts';
import type { FundedListStore, MonitoredInstitution, SpotCheckStore } from './monitoring.ts';

export const spotCheckPartition = (quarter: Quarter | string, provinceCode: string) =>
  keys.spotCheckPk(quarter, provinceCode);
const checkSk = keys.spotCheckSk;

const toCheck = (item: Record<string, unknown>): SpotCheck => {
  const { pk, sk, entity, ...check } = item;
  return check as SpotCheck;
};

const toInstitution = (item: Record<string, unknown>): MonitoredInstitution => ({
  uscc: String(item.uscc),
  name: String(item.name),
  provinceCode: String(item.provinceCode),
  ...(typeof item.contactEmail === 'string' && item.contactEmail ? { contactEmail: item.contactEmail } : {}),
});

export function dynamoSpotCheckStore(documents: DynamoDBDocumentClient, tableName: string): SpotCheckStore {
  return {
    async institutions(provinceCode) {
      const items = (
        await queryAll(documents, {
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': indexes.provinceInstitutions(provinceCode) },
        })
      ).items;
      return items.map(toInstitution);
    },

    async institution(uscc) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: keys.institution(uscc) }),
      );
      return Item ? toInstitution(Item) : undefined;
    },

    async inventoried(uscc) {
      const items = (
        await queryAll(documents, {
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          FilterExpression: 'reviewStatus = :approved',
          ProjectionExpression: 'applicationNumber, title',
          ExpressionAttributeValues: { ':pk': indexes.institutionPatents(uscc), ':approved': 'approved' },
        })
      ).items;
      return items.map((item) => ({
        applicationNumber: String(item.applicationNumber),
        ...(typeof item.title === 'string' ? { title: item.title } : {}),
      }));
    },

    async sampleSettings(uscc) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: keys.institutionMonitoring(uscc) }),
      );
      return Item?.spotCheckSample as SpotCheckSample | undefined;
    },

    /**
     * Replaces the settings (the last writer wins) conditioned on the item read just before (its
     * `version`; items written before it had one: on having none), so that the audit entry's `before`
     * is the value replaced: when another admin saved in between, it is read and written again.
     */
    async saveSampleSettings(uscc, sample, caller, at) {
      const key = keys.institutionMonitoring(uscc);
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
                  entity: 'monitoring-settings',
                  spotCheckSample: sample,
                  version: (version ?? 0) + 1,
                  updatedAt: at,
                  updatedBy: actorLabel(caller),
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
                  ...(read
                    ? { kind: 'updated', before: read, replaces: true }
                    : { kind: 'created' as const }),
                  pk: keys.institutionPk(uscc),
                  action: 'monitoring.spotCheckSample',
                  caller,
                  at,
                  after: { spotCheckSample: sample },
                  version: (version ?? 0) + 1,
                }),
              },
            },
          ],
          {
            what: `the spot-check sample settings of ${uscc}`,
            conditionFailed: (failed) => (failed.includes(0) && attempt < 5 ? 'again' : undefined),
          },
        );
        if (outcome === 'committed') return;
      }
    },

    async assign(quarter, institution, checks, population, at, drawn) {
      const pk = spotCheckPartition(quarter, institution.provinceCode);
      const system = systemActor('spot-checks');
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: {
              pk,
              sk: keys.spotCheckInstitutionSk(institution.uscc),
              entity: 'spot-check-sample',
              quarter,
              institutionUscc: institution.uscc,
              population,
              size: checks.length,
              at,
              // The size stratum and the fingerprint of the key that drew the sample (not the key).
              ...(drawn ? { stratum: drawn.stratum, sampleKeyId: drawn.keyId } : {}),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...checks.map(
          (check): TransactItem => ({
            Put: {
              TableName: tableName,
              Item: {
                pk,
                sk: checkSk(check.institutionUscc, check.applicationNumber),
                entity: 'spot-check',
                ...check,
              },
            },
          }),
        ),
        {
          Put: {
            TableName: tableName,
            // One entry for the sample and its checks (created together, in this transaction).
            Item: auditItem({
              kind: 'created',
              pk,
              action: 'monitoring.spotChecksAssigned',
              caller: system,
              at,
              after: {
                institutionUscc: institution.uscc,
                population,
                size: checks.length,
                sampled: checks.map((c) => c.applicationNumber),
              },
            }),
          },
        },
      ];
      const outcome = await transact(documents, items, {
        what: `the ${quarter} spot checks of ${institution.uscc}`,
        conditionFailed: (failed) => (failed.includes(0) ? 'exists' : undefined),
      });
      return outcome === 'committed' ? 'created' : outcome;
    },

    async list(quarter, provinceCode, filter, startKey, limit) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {
        ':pk': spotCheckPartition(quarter, provinceCode),
        ':prefix': filter.institution ? prefixes.spotCheckOf(filter.institution) : prefixes.spotCheck,
      };
      if (filter.status) {
        names['#status'] = 'status';
        values[':status'] = filter.status;
      }
      // Reads until the page is full or the partition ends (the status filter applies after the read).
      const items: SpotCheck[] = [];
      let lastKey = startKey;
      do {
        const { Items = [], LastEvaluatedKey } = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ...(filter.status
              ? { FilterExpression: '#status = :status', ExpressionAttributeNames: names }
              : {}),
            ExpressionAttributeValues: values,
            Limit: limit - items.length,
            ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
          }),
        );
        items.push(...Items.map(toCheck));
        lastKey = LastEvaluatedKey;
      } while (lastKey && items.length < limit);
      return { items, ...(lastKey ? { lastKey } : {}) };
    },

    async get(id) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: {
            pk: spotCheckPartition(id.quarter, id.provinceCode),
            sk: checkSk(id.institutionUscc, id.applicationNumber),
          },
          ConsistentRead: true,
        }),
      );
      return Item?.entity === 'spot-check' ? toCheck(Item) : undefined;
    },

    async decide(before, after, caller, mail, audit) {
      const pk = spotCheckPartition(before.quarter, before.provinceCode);
      const mailItem = mail
        ? newMailItem({ ...mail, attachments: [] }, new Date(after.reviewedAt ?? Date.now()))
        : undefined;
      const stored = { ...after, ...(mailItem ? { mailId: mailItem.mailId } : {}) };
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: {
              pk,
              sk: checkSk(before.institutionUscc, before.applicationNumber),
              entity: 'spot-check',
              ...stored,
            },
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': before.version },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: auditItem({
              kind: 'updated',
              pk,
              action: audit?.action ?? 'monitoring.spotCheckVerdict',
              caller,
              at: audit?.at ?? after.reviewedAt ?? new Date().toISOString(),
              // The check as read: the write is conditioned on its version.
              before,
              after: stored,
              replaces: true,
              version: after.version,
              context: { id: before.id },
            }),
          },
        },
        ...(mailItem ? [{ Put: { TableName: tableName, Item: mailOutboxItem(mailItem) } }] : []),
      ];
      const outcome = await transact(documents, items, {
        what: `the spot check review of ${before.applicationNumber}`,
        conditionFailed: () => 'conflict' as const,
      });
      return outcome === 'committed' ? 'saved' : outcome;
    },
  };
}

export function dynamoFundedListStore(
  documents: DynamoDBDocumentClient,
  metricsTable: string,
): FundedListStore {
  return {
    async page(partition, grantedOnOrBefore, startKey, limit) {
      const pk =
        'institution' in partition ? `FU#INST#${partition.institution}` : `FU#PROV#${partition.province}`;
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: metricsTable,
          // '$' follows '#': every sort key starting with a date up to the cutoff.
          KeyConditionExpression: 'pk = :pk AND sk < :until',
          ExpressionAttributeValues: { ':pk': pk, ':until': `${grantedOnOrBefore}$` },
          Limit: limit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      return { items: Items, ...(LastEvaluatedKey ? { lastKey: LastEvaluatedKey } : {}) };
    },
  };
}

/**
 * The correction requests of `provinces` open past their deadline on `asOf` (China date), over the spot
 * checks of `quarters` (one Query per province and quarter, filtered on the correction), for the
 * quarterly report (functions/reports/reports.ts computeScope).
 */
export function dynamoOverdueCorrections(documents: DynamoDBDocumentClient, tableName: string) {
  return async (provinces: readonly string[], quarters: readonly Quarter[], asOf: string) => {
    const found: Array<{ id: string; institutionUscc: string; applicationNumber: string; dueDate: string }> =
      [];
    for (const provinceCode of provinces)
      for (const quarter of quarters) {
        const items = (
          await queryAll(documents, {
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            FilterExpression: 'correction.#status = :open AND correction.dueDate < :asOf',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':pk': spotCheckPartition(quarter, provinceCode),
              ':prefix': prefixes.spotCheck,
              ':open': 'open',
              ':asOf': asOf,
            },
            ProjectionExpression: 'id, institutionUscc, applicationNumber, correction',
          })
        ).items;
        for (const item of items)
          found.push({
            id: String(item.id),
            institutionUscc: String(item.institutionUscc),
            applicationNumber: String(item.applicationNumber),
            dueDate: String((item.correction as { dueDate: string }).dueDate),
          });
      }
    return found;
  };
}
