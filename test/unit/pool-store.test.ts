/** The DynamoDB adapter of the pool feed, with the document client mocked (aws-sdk-client-mock). */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { poolFeed } from '../../functions/pool/pool-feed.ts';
import { dynamoPoolStore, poolFilter } from '../../functions/pool/pool-store.ts';
import { InvalidCursorError } from '../../functions/shared/cursor.ts';
import { poolFeedQuerySchema } from '../../schemas/pool.ts';
import { beijingAdmin } from '../support/callers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const A = '12100000400000624D';

beforeEach(() => ddb.reset());

function item(serial: number) {
  const number = `2020100000${String(serial).padStart(2, '0')}.0`;
  return {
    pk: `PAT#${number}`,
    sk: 'PATENT',
    gsi2pk: 'PROV#110000#PAT',
    gsi2sk: `${A}#${number}`,
    applicationNumber: number,
    title: `专利 ${serial}`,
    provinceCode: '110000',
    poolStatus: 'conversion',
    updatedAt: '2024-06-01T00:00:00.000Z',
  };
}
const keyOf = (i: ReturnType<typeof item>) => ({ pk: i.pk, sk: i.sk, gsi2pk: i.gsi2pk, gsi2sk: i.gsi2sk });

describe('dynamoPoolStore.readPage', () => {
  it('queries gsi2 PROV#<code>#PAT with the pool and since filters, projected, limited', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(1)], LastEvaluatedKey: keyOf(item(1)) });
    const store = dynamoPoolStore(documents, table);
    const page = await store.readPage('110000', '2024-05-01T00:00:00.000Z', undefined, 500);
    const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TableName: table,
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: '(#pool = :pool OR attribute_exists(#removal)) AND #updated >= :since',
      Limit: 500,
    });
    expect(input.ExpressionAttributeValues).toEqual({
      ':pk': 'PROV#110000#PAT',
      ':pool': 'conversion',
      ':since': '2024-05-01T00:00:00.000Z',
    });
    const projected = Object.values(input.ExpressionAttributeNames ?? {});
    for (const attribute of [
      'applicationNumber',
      'evaluationAggregate',
      'evaluationStatus',
      'gsi2sk',
      'poolRemoval',
      'exclusiveGrant',
      'patenteeChange',
      // Public since issue 15 item 8 (the open license shown while active).
      'feeStandard',
      'openLicense',
    ])
      expect(projected).toContain(attribute);
    for (const attribute of ['contactName', 'contactInfo', 'inventors', 'intendedPartners'])
      expect(projected).not.toContain(attribute);
    expect(input.ExclusiveStartKey).toBeUndefined();
    expect(page.items[0]!.patent).not.toHaveProperty('gsi2pk');
    expect(page.items[0]!.key).toEqual(keyOf(item(1)));
    expect(page.lastKey).toEqual(keyOf(item(1)));
  });

  it('without since, filters on the pool and the patents that left it (their tombstones)', () => {
    expect(poolFilter(undefined)).toEqual({
      expression: '(#pool = :pool OR attribute_exists(#removal))',
      names: { '#pool': 'poolStatus', '#removal': 'poolRemoval' },
      values: { ':pool': 'conversion' },
    });
  });

  it('a start key of another partition, or with extra attributes, is refused before any read', async () => {
    const store = dynamoPoolStore(documents, table);
    const other = { ...keyOf(item(1)), gsi2pk: 'PROV#310000#PAT' };
    await expect(store.readPage('110000', undefined, other, 10)).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      store.readPage('110000', undefined, { ...keyOf(item(1)), extra: 'x' }, 10),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('through the feed: the cursor resumes exactly where the page was cut', async () => {
    const items = [item(1), item(2), item(3)];
    ddb.on(QueryCommand).resolves({ Items: items });
    const store = dynamoPoolStore(documents, table);
    const deps = { pool: store, now: () => new Date('2024-07-01T00:00:00Z') };
    const first = await poolFeed(deps, beijingAdmin, poolFeedQuerySchema.parse({ limit: '2' }));
    expect(first.items.map((i) => i.applicationNumber)).toEqual([
      items[0]!.applicationNumber,
      items[1]!.applicationNumber,
    ]);
    ddb.on(QueryCommand).resolves({ Items: [items[2]!] });
    const second = await poolFeed(
      deps,
      beijingAdmin,
      poolFeedQuerySchema.parse({ limit: '2', cursor: first.nextCursor }),
    );
    expect(ddb.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual(keyOf(items[1]!));
    expect(second.items.map((i) => i.applicationNumber)).toEqual([items[2]!.applicationNumber]);
    expect(second.nextCursor).toBeUndefined();
  });
});
