/** The DynamoDB adapters of the patent queries, with the document client mocked (aws-sdk-client-mock). */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoMetricsReadPort } from '../../functions/metrics/metrics-store.ts';
import { listingReads, listPatents } from '../../functions/patents/patent-queries.ts';
import {
  dynamoPatentQueryStore,
  metricsCoverageCounter,
  patentFilterExpression,
} from '../../functions/patents/patent-query-store.ts';
import { InvalidCursorError } from '../../functions/shared/cursor.ts';
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import { strategicIndustries } from '../../schemas/codes/ipc.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import { beijingAdmin, institutionUser, nationalAdmin } from '../support/callers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const A = '12100000400000624D';
const noInstitutions = { get: async () => undefined };

beforeEach(() => ddb.reset());

/** A patent item as patent-store.ts writes it. */
function item(uscc: string, serial: number, fields: Record<string, unknown> = {}) {
  const number = withApplicationCheck(`20201${String(serial).padStart(7, '0')}`);
  return {
    pk: `PAT#${number}`,
    sk: 'PATENT',
    entity: 'patent',
    gsi1pk: `INST#${uscc}#PAT`,
    gsi1sk: number,
    gsi2pk: 'PROV#110000#PAT',
    gsi2sk: `${uscc}#${number}`,
    applicationNumber: number,
    title: `专利 ${serial}`,
    patentType: 'invention',
    conversionIntents: ['license'],
    strategicIndustries: [],
    institutionUscc: uscc,
    provinceCode: '110000',
    poolStatus: 'base',
    reviewStatus: 'draft',
    contactName: '李老师',
    writeToken: 'token',
    version: 1,
    ...fields,
  };
}
const gsi1Key = (i: ReturnType<typeof item>) => ({ pk: i.pk, sk: i.sk, gsi1pk: i.gsi1pk, gsi1sk: i.gsi1sk });
const gsi2Key = (i: ReturnType<typeof item>) => ({ pk: i.pk, sk: i.sk, gsi2pk: i.gsi2pk, gsi2sk: i.gsi2sk });
// A cursor is `<base64url JSON key>.<HMAC>`; `encode` makes an unsigned one, as a forger would.
const decode = (cursor: string) => ({
  k: JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString('utf8')),
});
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('dynamoPatentQueryStore.get', () => {
  it('reads PAT#<number> / PATENT and drops the table and index keys', async () => {
    const stored = item(A, 1);
    ddb.on(GetCommand).resolves({ Item: stored });
    const patent = await dynamoPatentQueryStore(documents, table).get(stored.applicationNumber);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: table,
      Key: { pk: stored.pk, sk: 'PATENT' },
    });
    expect(patent).toMatchObject({ applicationNumber: stored.applicationNumber, institutionUscc: A });
    for (const key of ['pk', 'sk', 'entity', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'])
      expect(patent).not.toHaveProperty(key);
  });

  it('undefined when absent', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(dynamoPatentQueryStore(documents, table).get('202010123456.2')).resolves.toBeUndefined();
  });
});

describe('dynamoPatentQueryStore.readPage', () => {
  it("queries gsi1 for an institution, with the filters as a FilterExpression, from the cursor's key", async () => {
    const stored = item(A, 1, { poolStatus: 'conversion', trl: 7 });
    ddb.on(QueryCommand).resolves({ Items: [stored], LastEvaluatedKey: gsi1Key(stored) });
    const startKey = gsi1Key(item(A, 0));
    const page = await dynamoPatentQueryStore(documents, table).readPage(
      { index: 'institution', uscc: A },
      { poolStatus: 'conversion', trlMin: 6, trlMax: 9, intent: 'license', grantedYear: 2021 },
      startKey,
      200,
    );
    const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TableName: table,
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk',
      Limit: 200,
      ExclusiveStartKey: startKey,
    });
    expect(input.ExpressionAttributeNames).toMatchObject({
      '#pk': 'gsi1pk',
      '#pool': 'poolStatus',
      '#trl': 'trl',
      '#intents': 'conversionIntents',
      '#grant': 'grantDate',
    });
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':pk': `INST#${A}#PAT`,
      ':pool': 'conversion',
      ':trlMin': 6,
      ':trlMax': 9,
      ':intent': 'license',
      ':year': '2021-',
    });
    expect(input.FilterExpression).toBe(
      '#pool = :pool AND #trl >= :trlMin AND #trl <= :trlMax AND contains(#intents, :intent) AND begins_with(#grant, :year)',
    );
    // The adapter checks the predicate again: this item has no grant date, so it is dropped.
    expect(page.items).toEqual([]);
    expect(page.lastKey).toEqual(gsi1Key(stored));
  });

  it('queries gsi2 for a province; no filters, no FilterExpression; each item comes with its index key', async () => {
    const items = [item(A, 1), item(A, 2)];
    ddb.on(QueryCommand).resolves({ Items: items });
    const page = await dynamoPatentQueryStore(documents, table).readPage(
      { index: 'province', provinceCode: '110000' },
      {},
      undefined,
      50,
    );
    const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      IndexName: 'gsi2',
      ExpressionAttributeNames: { '#pk': 'gsi2pk' },
      ExpressionAttributeValues: { ':pk': 'PROV#110000#PAT' },
      Limit: 50,
    });
    expect(input.FilterExpression).toBeUndefined();
    expect(input.ExclusiveStartKey).toBeUndefined();
    expect(page.items.map((i) => i.key)).toEqual(items.map(gsi2Key));
    expect(page.items[0]!.patent).not.toHaveProperty('gsi2pk');
    expect(page.lastKey).toBeUndefined();
  });

  it('a start key of another partition (a changed cursor) is a 400, before anything is read', async () => {
    const store = dynamoPatentQueryStore(documents, table);
    const foreign = gsi1Key(item('121100004000018521', 1));
    await expect(store.readPage({ index: 'institution', uscc: A }, {}, foreign, 200)).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(
      store.readPage({ index: 'institution', uscc: A }, {}, { ...gsi1Key(item(A, 1)), extra: 'x' }, 200),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('patentFilterExpression', () => {
  it('industry prefixes are ORed; a strategic industry looks at every list position', () => {
    const filter = patentFilterExpression({ industryPrefixes: ['C', '13', '14'], strategicIndustry: '1.5' })!;
    expect(filter.expression).toContain(
      '(begins_with(#ind, :i0) OR begins_with(#ind, :i1) OR begins_with(#ind, :i2))',
    );
    expect(filter.expression).toContain('begins_with(#si[0].#c, :si) OR begins_with(#si[1].#c, :si)');
    const last = strategicIndustries.length - 1; // a patent lists each code at most once
    expect(filter.expression).toContain(`begins_with(#si[${last}].#c, :si))`);
    expect(filter.expression).not.toContain(`#si[${last + 1}]`);
    expect(filter.names).toMatchObject({
      '#ind': 'industryCode',
      '#si': 'strategicIndustries',
      '#c': 'code',
    });
    expect(filter.values).toMatchObject({ ':i0': 'C', ':i1': '13', ':i2': '14', ':si': '1.5' });
  });

  it('stays under the 4 KB expression limit with every filter at its widest', () => {
    const divisions = Array.from({ length: 31 }, (_, i) => String(13 + i));
    const filter = patentFilterExpression({
      provinceCode: '110000',
      poolStatus: 'conversion',
      reviewStatus: 'approved',
      patentType: 'invention',
      trlMin: 1,
      trlMax: 9,
      intent: 'license',
      industryPrefixes: ['C', ...divisions],
      strategicIndustry: '1',
      grantedYear: 2020,
    })!;
    expect(Buffer.byteLength(filter.expression)).toBeLessThan(4096);
  });
});

describe('listPatents over DynamoDB: the continuation loop', () => {
  const patents = dynamoPatentQueryStore(documents, table);
  const deps = { patents, institutions: noInstitutions };

  it('keeps querying until the page is full, and the cursor points after the last item returned', async () => {
    const [p1, p2, p3, p4] = [1, 2, 3, 4].map((n) => item(A, n, { poolStatus: 'conversion' }));
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [p1!], LastEvaluatedKey: gsi1Key(item(A, 1)) })
      .resolvesOnce({ Items: [], LastEvaluatedKey: gsi1Key(item(A, 2)) })
      .resolvesOnce({ Items: [p2!, p3!, p4!], LastEvaluatedKey: gsi1Key(item(A, 9)) });
    const page = await listPatents(deps, institutionUser(A), {
      limit: 3,
      poolStatus: 'conversion',
    });
    expect(page.items.map((p) => p.applicationNumber)).toEqual([p1, p2, p3].map((p) => p!.applicationNumber));
    const calls = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls.map((input) => input.ExclusiveStartKey)).toEqual([
      undefined,
      gsi1Key(item(A, 1)),
      gsi1Key(item(A, 2)),
    ]);
    expect(calls.every((input) => input.Limit === listingReads.readLimit)).toBe(true);
    // p4 was read but not returned: the next page starts right after p3, not after the last key read.
    expect(decode(page.nextCursor!).k).toEqual({ p: `inst:${A}`, k: gsi1Key(p3!) });

    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [p4!] });
    const next = await listPatents(deps, institutionUser(A), {
      limit: 3,
      poolStatus: 'conversion',
      cursor: page.nextCursor,
    });
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input.ExclusiveStartKey).toEqual(gsi1Key(p3!));
    expect(next.items.map((p) => p.applicationNumber)).toEqual([p4!.applicationNumber]);
    expect(next.nextCursor).toBeUndefined();
  });

  it('stops after maxReads queries when the filter matches nothing, with a cursor at the last key read', async () => {
    const last = gsi2Key(item(A, 500));
    ddb.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: last });
    const page = await listPatents(deps, beijingAdmin, { limit: 25, patentType: 'design' });
    expect(page.items).toEqual([]);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, listingReads.maxReads);
    expect(decode(page.nextCursor!).k).toEqual({ p: 'prov:110000', k: last });
  });

  it('walks the provinces in code order for a national admin, carrying the province in the cursor', async () => {
    const codes = [...provinceNames.keys()].sort();
    ddb.on(QueryCommand).resolves({ Items: [] });
    const page = await listPatents(deps, nationalAdmin, { limit: 25 });
    const pks = ddb
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues?.[':pk']);
    expect(pks).toEqual(codes.slice(0, listingReads.maxReads).map((code) => `PROV#${code}#PAT`));
    expect(decode(page.nextCursor!).k).toEqual({ p: `prov:${codes[listingReads.maxReads]}`, k: null });
  });

  it('a cursor whose key was changed by hand is refused before any read', async () => {
    const p1 = item(A, 1);
    ddb.on(QueryCommand).resolves({ Items: [p1, item(A, 2)], LastEvaluatedKey: gsi1Key(item(A, 2)) });
    const page = await listPatents(deps, institutionUser(A), { limit: 1 });
    const decoded = decode(page.nextCursor!);
    decoded.k.k.gsi1pk = 'INST#121100004000018521#PAT';
    ddb.reset();
    await expect(
      listPatents(deps, institutionUser(A), { limit: 1, cursor: encode(decoded) }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('metricsCoverageCounter (counters of the metrics table)', () => {
  const B = '121100004000018521';
  const port = dynamoMetricsReadPort(documents, 'unit-metrics');
  const withProvince = { get: async (uscc: string) => (uscc === A ? { provinceCode: '110000' } : undefined) };
  const counter = metricsCoverageCounter(port, withProvince, { concurrency: 2 });
  const row = (uscc: string, recorded: number, inventoried: number, pool: number) => ({
    pk: 'NOW#PROV#110000',
    sk: `INST#${uscc}`,
    'g.recorded': recorded,
    'g.inventoried': inventoried,
    'g.pool': pool,
    'g.valid': recorded,
  });

  it('an institution is one item of its province, no patent read', async () => {
    ddb.on(GetCommand).resolves({ Item: row(A, 3, 2, 1) });
    await expect(counter.institution(A)).resolves.toEqual({ total: 3, inventoried: 2, inConversionPool: 1 });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'unit-metrics',
      Key: { pk: 'NOW#PROV#110000', sk: `INST#${A}` },
    });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    await expect(counter.institution(B)).resolves.toEqual({ total: 0, inventoried: 0, inConversionPool: 0 });
  });

  it('a province sums its institutions from one partition (every page)', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [row(A, 1, 1, 1)],
        LastEvaluatedKey: { pk: 'NOW#PROV#110000', sk: `INST#${A}` },
      })
      .resolvesOnce({ Items: [row(B, 2, 1, 0)] });
    await expect(counter.province('110000')).resolves.toEqual({
      total: 3,
      inventoried: 2,
      inConversionPool: 1,
      byInstitution: {
        [A]: { total: 1, inventoried: 1, inConversionPool: 1 },
        [B]: { total: 2, inventoried: 1, inConversionPool: 0 },
      },
    });
    const calls = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls[0]).toMatchObject({
      TableName: 'unit-metrics',
      ExpressionAttributeValues: { ':pk': 'NOW#PROV#110000' },
    });
    expect(calls[1]!.ExclusiveStartKey).toEqual({ pk: 'NOW#PROV#110000', sk: `INST#${A}` });
  });

  it('national: every province once, summed', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'NOW#PROV#310000' } })
      .resolves({ Items: [{ ...row(A, 2, 1, 0), pk: 'NOW#PROV#310000' }] });
    const result = await counter.national();
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, provinceNames.size);
    expect(result).toMatchObject({ total: 2, inventoried: 1, inConversionPool: 0 });
    expect(result.byProvince['310000']).toEqual({ total: 2, inventoried: 1, inConversionPool: 0 });
    expect(result.byProvince['110000']).toEqual({ total: 0, inventoried: 0, inConversionPool: 0 });
  });
});
