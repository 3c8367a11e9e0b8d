/**
 * DynamoDB adapters of PatentQueryStore (core table, see docs/data-model.md) and CoverageCounter (the
 * metrics table's counters):
 * an institution's patents are gsi1 `INST#<USCC>#PAT` sorted by application number; a province's are
 * gsi2 `PROV#<code>#PAT` sorted by `<USCC>#<application number>`. Both indexes project all attributes.
 */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { strategicIndustries } from '../../schemas/codes/ipc.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type { MetricsReadPort } from '../metrics/figures.ts';
import { InvalidCursorError } from '../shared/cursor.ts';
import { indexes as indexPartitions, prefixes } from '../shared/dynamo/keys.ts';
import {
  type CoverageCounter,
  type CoverageCounts,
  matchesPatentFilters,
  type PatentFilters,
  type PatentPartition,
  type PatentQueryStore,
  type StoredPatent,
  type StoreKey,
} from './patent-queries.ts';
import { patentKey } from './patent-store.ts';

const indexes = {
  institution: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
  province: { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' },
} as const;

export const partitionKeyValue = (partition: PatentPartition) =>
  partition.index === 'institution'
    ? indexPartitions.institutionPatents(partition.uscc)
    : indexPartitions.provincePatents(partition.provinceCode);

/**
 * A patent lists each strategic industry once, so at most as many entries as there are codes: the
 * filter below looks at that many positions (a list cannot be searched by a map field otherwise).
 */
const maxStrategicEntries = strategicIndustries.length;

/**
 * The FilterExpression of PatentFilters (the same rules as matchesPatentFilters). Placeholders are
 * short on purpose: with a section letter (up to 31 division prefixes) and a strategic industry (one
 * term per list position) the expression must stay under DynamoDB's 4 KB.
 */
export function patentFilterExpression(
  filters: PatentFilters,
): { expression: string; names: Record<string, string>; values: Record<string, unknown> } | undefined {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const terms: string[] = [];
  const equals = (alias: string, attribute: string, value: unknown) => {
    names[`#${alias}`] = attribute;
    values[`:${alias}`] = value;
    terms.push(`#${alias} = :${alias}`);
  };
  if (filters.provinceCode !== undefined) equals('prov', 'provinceCode', filters.provinceCode);
  if (filters.poolStatus !== undefined) equals('pool', 'poolStatus', filters.poolStatus);
  if (filters.reviewStatus !== undefined) equals('review', 'reviewStatus', filters.reviewStatus);
  if (filters.patentType !== undefined) equals('type', 'patentType', filters.patentType);
  if (filters.trlMin !== undefined || filters.trlMax !== undefined) names['#trl'] = 'trl';
  if (filters.trlMin !== undefined) {
    values[':trlMin'] = filters.trlMin;
    terms.push('#trl >= :trlMin');
  }
  if (filters.trlMax !== undefined) {
    values[':trlMax'] = filters.trlMax;
    terms.push('#trl <= :trlMax');
  }
  if (filters.intent !== undefined) {
    names['#intents'] = 'conversionIntents';
    values[':intent'] = filters.intent;
    terms.push('contains(#intents, :intent)');
  }
  if (filters.industryPrefixes?.length) {
    names['#ind'] = 'industryCode';
    const any = filters.industryPrefixes.map((prefix, i) => {
      values[`:i${i}`] = prefix;
      return `begins_with(#ind, :i${i})`;
    });
    terms.push(any.length === 1 ? any[0]! : `(${any.join(' OR ')})`);
  }
  if (filters.strategicIndustry !== undefined) {
    names['#si'] = 'strategicIndustries';
    names['#c'] = 'code';
    values[':si'] = filters.strategicIndustry;
    // Codes are one digit per level (1 .. 9.2), so a prefix of `1` or `1.5` cannot hit 10 or 1.50.
    const any = Array.from({ length: maxStrategicEntries }, (_, i) => `begins_with(#si[${i}].#c, :si)`);
    terms.push(`(${any.join(' OR ')})`);
  }
  if (filters.grantedYear !== undefined) {
    names['#grant'] = 'grantDate';
    values[':year'] = `${filters.grantedYear}-`;
    terms.push('begins_with(#grant, :year)');
  }
  return terms.length ? { expression: terms.join(' AND '), names, values } : undefined;
}

const keyAttributes = (partition: PatentPartition) => {
  const index = indexes[partition.index];
  return ['pk', 'sk', index.pk, index.sk];
};

/** A start key from a cursor must be a key of this very partition: anything else is a changed cursor. */
function checkStartKey(partition: PatentPartition, key: StoreKey): void {
  const expected = keyAttributes(partition);
  const index = indexes[partition.index];
  const ok =
    Object.keys(key).length === expected.length &&
    expected.every((attribute) => typeof key[attribute] === 'string') &&
    key[index.pk] === partitionKeyValue(partition) &&
    key.sk === 'PATENT' &&
    String(key.pk).startsWith(prefixes.patent);
  if (!ok) {
    throw new InvalidCursorError();
  }
}

const withoutKeys = (item: Record<string, unknown>): StoredPatent => {
  const { pk, sk, entity, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, ...rest } = item;
  return rest as StoredPatent;
};

export function dynamoPatentQueryStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): PatentQueryStore {
  return {
    async get(applicationNumber) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: patentKey(applicationNumber) }),
      );
      return Item ? withoutKeys(Item) : undefined;
    },

    async readPage(partition, filters, startKey, readLimit) {
      if (startKey) checkStartKey(partition, startKey);
      const index = indexes[partition.index];
      const filter = patentFilterExpression(filters);
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ...(filter ? { FilterExpression: filter.expression } : {}),
          ExpressionAttributeNames: { '#pk': index.pk, ...filter?.names },
          ExpressionAttributeValues: { ':pk': partitionKeyValue(partition), ...filter?.values },
          Limit: readLimit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const attributes = keyAttributes(partition);
      return {
        // The predicate again: exact where the expression is bounded (strategic list positions).
        items: Items.filter((item) => matchesPatentFilters(item as StoredPatent, filters)).map((item) => ({
          patent: withoutKeys(item),
          key: Object.fromEntries(attributes.map((attribute) => [attribute, item[attribute]])),
        })),
        ...(LastEvaluatedKey ? { lastKey: LastEvaluatedKey } : {}),
      };
    },
  };
}

// --------------------------------------------------------------------------------------- coverage

const zero = (): CoverageCounts => ({ total: 0, inventoried: 0, inConversionPool: 0 });

/** Coverage figures of one counter item of the metrics table (the gauges now). */
const countsOf = (counters: Record<string, number> | undefined): CoverageCounts => ({
  total: counters?.['g.recorded'] ?? 0,
  inventoried: counters?.['g.inventoried'] ?? 0,
  inConversionPool: counters?.['g.pool'] ?? 0,
});

function addAll(into: CoverageCounts, counts: CoverageCounts) {
  into.total += counts.total;
  into.inventoried += counts.inventoried;
  into.inConversionPool += counts.inConversionPool;
}

/**
 * Coverage from the counters the core stream maintains in the metrics table (functions/metrics): an
 * institution is one item, a province one Query of its institutions' items, the nation one Query per
 * province; no patent is read. The counters follow the patents within seconds (the stream).
 */
export function metricsCoverageCounter(
  counters: Pick<MetricsReadPort, 'provinceItems' | 'institutionItem'>,
  institutions: { get(uscc: string): Promise<{ provinceCode: string } | undefined> },
  options: { concurrency?: number } = {},
): CoverageCounter {
  async function province(provinceCode: string) {
    const counts = zero();
    const byInstitution: Record<string, CoverageCounts> = {};
    for (const row of await counters.provinceItems(provinceCode, 'now')) {
      const figures = countsOf(row.counters);
      if (figures.total === 0 && figures.inventoried === 0 && figures.inConversionPool === 0) continue;
      byInstitution[row.institutionUscc] = figures;
      addAll(counts, figures);
    }
    return { ...counts, byInstitution };
  }

  return {
    async institution(uscc) {
      const institution = await institutions.get(uscc);
      if (!institution) return zero();
      return countsOf((await counters.institutionItem(institution.provinceCode, uscc, 'now'))?.counters);
    },
    province,
    async national() {
      const counts = zero();
      const byProvince: Record<string, CoverageCounts> = {};
      const byInstitution: Record<string, CoverageCounts> = {};
      const codes = [...provinceNames.keys()].sort();
      let next = 0;
      const worker = async () => {
        while (next < codes.length) {
          const code = codes[next++]!;
          const { byInstitution: institutions, ...figures } = await province(code);
          byProvince[code] = figures;
          Object.assign(byInstitution, institutions);
          addAll(counts, figures);
        }
      };
      await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
      return { ...counts, byProvince, byInstitution };
    },
  };
}
