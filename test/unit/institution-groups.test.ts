/**
 * The readers of a province's institutions (functions/metrics/institution-groups.ts), with the document
 * client mocked (aws-sdk-client-mock): the report's set reads each province ONCE for names, supervision
 * groups and pilot statuses; a new set reads again (a warm function never serves an earlier run's data).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { provinceInstitutionReaders, supervisionGroups } from '../../functions/metrics/institution-groups.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const A = '12100000400000624D';
const B = '121100004000018521';

beforeEach(() => {
  ddb.reset();
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'PROV#110000#INST' } }).resolves({
    Items: [
      {
        uscc: A,
        name: '示范理工大学',
        supervision: { department: 'moe-direct', ministry: '教育部' },
        pilotStatus: 'demonstration',
      },
      {
        uscc: B,
        name: '示范医学科学院',
        supervision: { department: 'other-ministry', ministry: '国家卫生健康委' },
      },
    ],
  });
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'PROV#310000#INST' } }).resolves({ Items: [] });
});

describe('provinceInstitutionReaders', () => {
  it('reads a province once for its names, supervision groups and pilot statuses', async () => {
    const readers = provinceInstitutionReaders(documents, 'unit-core');
    const [names, groups, statuses] = await Promise.all([
      readers.institutionNames('110000'),
      readers.supervisionGroups('110000'),
      readers.pilotStatuses('110000'),
    ]);
    expect(names.get(A)).toBe('示范理工大学');
    expect(groups.get(A)).toBe('教育部');
    expect(groups.get(B)).toBe('国家卫生健康委');
    expect([...statuses]).toEqual([[A, 'demonstration']]);
    await readers.institutionNames('310000');
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries).toHaveLength(2);
    expect(queries[0]).toMatchObject({
      IndexName: 'gsi2',
      ProjectionExpression: 'uscc, #name, supervision, pilotStatus',
    });
  });

  it('a new set reads again; a failed read is asked again, not kept', async () => {
    await provinceInstitutionReaders(documents, 'unit-core').institutionNames('110000');
    await provinceInstitutionReaders(documents, 'unit-core').institutionNames('110000');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);

    ddb.reset();
    ddb
      .on(QueryCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Items: [{ uscc: A, pilotStatus: 'pilot' }] });
    const readers = provinceInstitutionReaders(documents, 'unit-core');
    await expect(readers.pilotStatuses('110000')).rejects.toThrow('throttled');
    expect([...(await readers.pilotStatuses('110000'))]).toEqual([[A, 'pilot']]);
  });

  it('the single reader (the rankings route) projects only what it needs', async () => {
    await supervisionGroups(documents, 'unit-core')('110000');
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ProjectionExpression).toBe('uscc, supervision');
  });
});
