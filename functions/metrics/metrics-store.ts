/**
 * DynamoDB adapters of the metrics ports (metrics table, see docs/data-model.md "Metrics"): the
 * stream consumer's write store (shadow + counters + list + marker in one transaction), the read port of
 * the figures (Query per province partition), the reconciliation records and the parallel Scan of core.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Quarter } from '../../schemas/metrics.ts';
import { batchWriteAll } from '../shared/dynamo/batch.ts';
import { keys, prefixes } from '../shared/dynamo/keys.ts';
import { type TransactItem, transact } from '../shared/dynamo/transact.ts';
import {
  type CounterDelta,
  eventMarkerKey,
  fundedListKeys,
  keyOfItemId,
  nowPartition,
  quarterPartition,
  shadowKey,
} from './counters.ts';
import type { CounterRow, MetricsReadPort, QuarterSnapshot } from './figures.ts';
import {
  type QuarterClosePorts,
  snapshotAttributes,
  snapshotPartition,
  snapshotProvinceSk,
} from './quarter-close.ts';
import type { CounterMap } from './recompute.ts';
import type { MetricsCommit, MetricsWriteStore, Shadow } from './stream-apply.ts';

/** An Update that ADDs increments to a counter item (creating it). */
export function counterUpdate(
  tableName: string,
  id: string,
  increments: Record<string, number>,
): TransactItem['Update'] {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = Object.entries(increments).map(([attribute, amount], i) => {
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = amount;
    return `#a${i} :a${i}`;
  });
  return {
    TableName: tableName,
    Key: keyOfItemId(id),
    UpdateExpression: `ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export function dynamoMetricsWriteStore(
  documents: DynamoDBDocumentClient,
  tables: { metrics: string; core: string },
): MetricsWriteStore {
  return {
    async getShadow(applicationNumber) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tables.metrics,
          Key: shadowKey(applicationNumber),
          ConsistentRead: true,
        }),
      );
      if (!Item) return undefined;
      const { pk, sk, ...shadow } = Item;
      return shadow as Shadow;
    },

    async getCorePatent(applicationNumber) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tables.core,
          Key: keys.patent(applicationNumber),
          ConsistentRead: true,
        }),
      );
      return Item;
    },

    async commit(change: MetricsCommit) {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tables.metrics,
            Item: { ...shadowKey(change.applicationNumber), entity: 'metrics-shadow', ...change.shadow },
            ...(change.expectedRev === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'rev = :rev',
                  ExpressionAttributeValues: { ':rev': change.expectedRev },
                }),
          },
        },
      ];
      const markerIndex = change.eventSk === undefined ? -1 : items.length;
      if (change.eventSk !== undefined) {
        items.push({
          Put: {
            TableName: tables.metrics,
            Item: { ...eventMarkerKey(change.applicationNumber, change.eventSk), entity: 'metrics-seen' },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      for (const [id, increments] of Object.entries(change.delta)) {
        if (Object.keys(increments).length)
          items.push({ Update: counterUpdate(tables.metrics, id, increments) });
      }
      for (const entry of change.funded.remove)
        for (const key of fundedListKeys(entry))
          items.push({ Delete: { TableName: tables.metrics, Key: key } });
      for (const entry of change.funded.put)
        for (const key of fundedListKeys(entry))
          items.push({
            Put: { TableName: tables.metrics, Item: { ...key, entity: 'funded-unimplemented', ...entry } },
          });
      return transact(documents, items, {
        what: `the metrics of patent ${change.applicationNumber}`,
        conditionFailed: (failed) =>
          markerIndex >= 0 && failed.includes(markerIndex) ? 'duplicate' : 'conflict',
      });
    },
  };
}

const quarterOrNow = (provinceCode: string, item: 'now' | Quarter) =>
  item === 'now' ? nowPartition(provinceCode) : quarterPartition(item, provinceCode);

function toRow(provinceCode: string, item: Record<string, unknown>): CounterRow {
  const counters: Record<string, number> = {};
  for (const [attribute, value] of Object.entries(item))
    if (typeof value === 'number' && /^[gfhms]\./.test(attribute)) counters[attribute] = value;
  return { provinceCode, institutionUscc: String(item.sk).slice(prefixes.institution.length), counters };
}

/** Every item of one partition (every page). */
async function queryPartition(
  documents: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  projection?: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ...(projection ? { ProjectionExpression: projection } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...Items);
    startKey = LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Snapshot items are stored compact, as one string `v` of numbers in a fixed order (snapshotAttributes:
 * gauges, flows, 5-year count, medians; empty for a null median), then any other `name=value`; the
 * province item's histograms as `h` = `<histogram>.<bucket>:<count>,...`. Same content, fewer bytes.
 */
export function encodeSnapshot(counters: Record<string, number>): string {
  const fixed = snapshotAttributes.map((attribute) =>
    counters[attribute] === undefined ? '' : String(counters[attribute]),
  );
  const known = new Set(snapshotAttributes);
  const extra = Object.entries(counters)
    .filter(([attribute]) => !known.has(attribute))
    .map(([attribute, value]) => `${attribute}=${value}`);
  return [...fixed, ...extra].join(',');
}

export function decodeSnapshot(v: string): Record<string, number> {
  const counters: Record<string, number> = {};
  v.split(',').forEach((part, i) => {
    if (i < snapshotAttributes.length) {
      if (part !== '') counters[snapshotAttributes[i]!] = Number(part);
    } else {
      const at = part.indexOf('=');
      counters[part.slice(0, at)] = Number(part.slice(at + 1));
    }
  });
  return counters;
}

export const encodeHistograms = (histograms: Record<string, number>) =>
  Object.entries(histograms)
    .map(([attribute, count]) => `${attribute.slice(2)}:${count}`)
    .join(',');

export const decodeHistograms = (h: string): Record<string, number> =>
  Object.fromEntries(
    h
      .split(',')
      .filter(Boolean)
      .map((part) => {
        const at = part.lastIndexOf(':');
        return [`h.${part.slice(0, at)}`, Number(part.slice(at + 1))];
      }),
  );

function snapshotFrom(provinceCode: string, items: Record<string, unknown>[]): QuarterSnapshot {
  const province = items.find((item) => item.sk === snapshotProvinceSk);
  return {
    closed: province !== undefined,
    rows: items
      .filter((item) => item.sk !== snapshotProvinceSk)
      .map((item) => ({
        provinceCode,
        institutionUscc: String(item.sk).slice(prefixes.institution.length),
        counters: decodeSnapshot(String(item.v ?? '')),
      })),
    histograms: typeof province?.h === 'string' ? decodeHistograms(province.h) : {},
  };
}

/** Reads counter partitions (every page), the quarter snapshots and the last reconciliation. */
export function dynamoMetricsReadPort(
  documents: DynamoDBDocumentClient,
  tableName: string,
  extras: Pick<MetricsReadPort, 'institutionNames' | 'supervisionGroups' | 'pilotStatuses'> = {},
): MetricsReadPort {
  return {
    async provinceItems(provinceCode, item) {
      const rows: CounterRow[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const { Items = [], LastEvaluatedKey } = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': quarterOrNow(provinceCode, item) },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const row of Items) rows.push(toRow(provinceCode, row));
        startKey = LastEvaluatedKey;
      } while (startKey);
      return rows;
    },
    async snapshotItems(provinceCode, quarter) {
      return snapshotFrom(
        provinceCode,
        await queryPartition(documents, tableName, snapshotPartition(quarter, provinceCode)),
      );
    },
    async institutionSnapshot(provinceCode, uscc, quarter) {
      const pk = snapshotPartition(quarter, provinceCode);
      const [institution, province] = await Promise.all(
        [keys.institutionPk(uscc), snapshotProvinceSk].map((sk) =>
          documents.send(
            new GetCommand({
              TableName: tableName,
              Key: { pk, sk },
              ...(sk === snapshotProvinceSk ? { ProjectionExpression: 'pk, sk' } : {}),
            }),
          ),
        ),
      );
      const items = [institution!.Item, province!.Item].filter((item) => item !== undefined);
      return { ...snapshotFrom(provinceCode, items), histograms: {} };
    },
    async institutionItem(provinceCode, uscc, item) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: quarterOrNow(provinceCode, item), sk: keys.institutionPk(uscc) },
        }),
      );
      return Item ? toRow(provinceCode, Item) : undefined;
    },
    ...(extras.institutionNames ? { institutionNames: extras.institutionNames } : {}),
    ...(extras.supervisionGroups ? { supervisionGroups: extras.supervisionGroups } : {}),
    ...(extras.pilotStatuses ? { pilotStatuses: extras.pilotStatuses } : {}),
    async lastReconciliation() {
      const record = await latestReconciliation(documents, tableName);
      return record
        ? { at: record.at, differences: record.differenceCount, provinces: record.provinces }
        : undefined;
    },
  };
}

/** The quarter-close ports over the metrics table: a close replaces the province's snapshot items. */
export function dynamoQuarterClosePorts(
  documents: DynamoDBDocumentClient,
  tableName: string,
): QuarterClosePorts {
  return {
    read: dynamoMetricsReadPort(documents, tableName),
    async writeSnapshot(quarter, provinceCode, institutions, province) {
      const pk = snapshotPartition(quarter, provinceCode);
      const written = new Set(institutions.map((row) => keys.institutionPk(row.institutionUscc)));
      const stale = (await queryPartition(documents, tableName, pk, 'pk, sk'))
        .map((item) => String(item.sk))
        .filter((sk) => sk !== snapshotProvinceSk && !written.has(sk));
      // Institutions first, the PROV item (the 'closed' mark) last.
      const requests = [
        ...stale.map((sk) => ({ DeleteRequest: { Key: { pk, sk } } })),
        ...institutions.map((row) => ({
          PutRequest: {
            Item: { pk, sk: keys.institutionPk(row.institutionUscc), v: encodeSnapshot(row.counters) },
          },
        })),
      ];
      await batchWriteAll(documents, tableName, requests);
      await batchWriteAll(documents, tableName, [
        {
          PutRequest: {
            Item: {
              pk,
              sk: snapshotProvinceSk,
              h: encodeHistograms(province.histograms),
              closedAt: province.closedAt,
            },
          },
        },
      ]);
    },
    now: () => new Date(),
  };
}

// -------------------------------------------------------------------------------- reconciliation

export interface ReconciliationRecord {
  runId: string;
  at: string;
  quarter: string;
  patents: number;
  items: number;
  durationMs: number;
  differenceCount: number;
  provinces: string[];
  /** The first 200 differences (stored, recomputed) for the operators. */
  differences: Array<{ pk: string; sk: string; attribute: string; stored: number; recomputed: number }>;
  corrected: boolean;
}

export const reconciliationPartition = 'RECONCILIATION';

export async function saveReconciliation(
  documents: DynamoDBDocumentClient,
  tableName: string,
  record: ReconciliationRecord,
) {
  await documents.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        pk: reconciliationPartition,
        sk: `${record.at}#${record.runId}`,
        entity: 'reconciliation',
        ...record,
      },
    }),
  );
}

export async function latestReconciliation(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<ReconciliationRecord | undefined> {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': reconciliationPartition },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const item = Items[0];
  if (!item) return undefined;
  const { pk, sk, entity, ...record } = item;
  return record as ReconciliationRecord;
}

export async function listReconciliations(
  documents: DynamoDBDocumentClient,
  tableName: string,
  limit: number,
) {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': reconciliationPartition },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  // The API names a counter by what it counts (partition and key), never by storage attribute names.
  return Items.map(({ pk, sk, entity, ...record }) => {
    const { differences = [], ...rest } = record as ReconciliationRecord;
    return {
      ...rest,
      differences: differences.map(({ pk: counterPartition, sk: counterKey, ...difference }) => ({
        counterPartition,
        counterKey,
        ...difference,
      })),
    };
  });
}

// ------------------------------------------------------------------------------------- scanning

/** Patent, deal and product partitions; the items the counters read. */
export const coreScanFilter = {
  expression:
    '(begins_with(pk, :pat) AND (sk = :patent OR begins_with(sk, :eval) OR begins_with(sk, :event))) OR sk = :deal OR sk = :product',
  values: {
    ':pat': prefixes.patent,
    ':patent': 'PATENT',
    ':eval': prefixes.evaluation,
    ':event': prefixes.pipelineEvent,
    ':deal': 'DEAL',
    ':product': 'PRODUCT',
  },
};

/** Scans one segment of a table page by page (parallel scans run one per segment). */
export async function scanSegment(
  documents: DynamoDBDocumentClient,
  input: {
    tableName: string;
    segment: number;
    totalSegments: number;
    filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
    projection?: string;
  },
  visit: (items: Record<string, unknown>[]) => void,
): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new ScanCommand({
        TableName: input.tableName,
        Segment: input.segment,
        TotalSegments: input.totalSegments,
        ...(input.filter
          ? {
              FilterExpression: input.filter.expression,
              ...(input.filter.names ? { ExpressionAttributeNames: input.filter.names } : {}),
              ...(input.filter.values ? { ExpressionAttributeValues: input.filter.values } : {}),
            }
          : {}),
        ...(input.projection ? { ProjectionExpression: input.projection } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    visit(Items);
    startKey = LastEvaluatedKey;
  } while (startKey);
}

/** Every counter item (NOW and Q partitions) of the metrics table, by a parallel Scan. */
export async function readAllCounters(
  documents: DynamoDBDocumentClient,
  tableName: string,
  totalSegments: number,
): Promise<CounterMap> {
  const counters: CounterMap = new Map();
  await Promise.all(
    Array.from({ length: totalSegments }, (_, segment) =>
      scanSegment(
        documents,
        {
          tableName,
          segment,
          totalSegments,
          filter: {
            expression: 'begins_with(pk, :now) OR begins_with(pk, :q)',
            values: { ':now': 'NOW#', ':q': 'Q#' },
          },
        },
        (items) => {
          for (const item of items) {
            const row = toRow('', item);
            counters.set(`${item.pk}|${item.sk}`, row.counters);
          }
        },
      ),
    ),
  );
  return counters;
}

/** Applies increments outside a transaction (corrections of the recompute), one Update per item. */
export async function applyIncrements(
  documents: DynamoDBDocumentClient,
  tableName: string,
  delta: CounterDelta,
) {
  const entries = Object.entries(delta).filter(([, increments]) => Object.keys(increments).length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < entries.length) {
        const [id, increments] = entries[next++]!;
        await documents.send(new UpdateCommand(counterUpdate(tableName, id, increments)!));
      }
    }),
  );
}
