/**
 * A batch-ingest task that Step Functions runs again (it failed after writing part of the file) reads
 * the file from the start: the rows the same job already wrote count as what that first run did
 * (created / updated), so the job's counts stay exact; rows another job wrote are unchanged.
 */
import { BatchGetCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoPatentWriter } from '../../functions/patents/patent-store.ts';
import { lostThenConflicted } from '../support/dynamo-cancellations.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const owner = { uscc: '12100000400000624D', provinceCode: '110000' };
const actor = { sub: 'upload:job-1', roles: ['institution' as const] };
const patent = (row: number, applicationNumber: string) => ({
  row,
  record: { applicationNumber } as never,
  contentHash: `hash-${applicationNumber}`,
});
const stored = (applicationNumber: string, version: number, sourceJobId: string) => ({
  pk: `PAT#${applicationNumber}`,
  institutionUscc: owner.uscc,
  contentHash: `hash-${applicationNumber}`,
  version,
  sourceJobId,
});

beforeEach(() => ddb.reset());

describe('dynamoPatentWriter on a re-run of the same job', () => {
  it('counts the rows this job wrote as created / updated, the rows of another job as unchanged', async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        core: [stored('A', 1, 'job-1'), stored('B', 3, 'job-1'), stored('C', 1, 'job-0')],
      },
    });
    const writer = dynamoPatentWriter(ddb as unknown as DynamoDBDocumentClient, 'core');
    const outcomes = await writer.writeBatch(
      [patent(2, 'A'), patent(3, 'B'), patent(4, 'C')],
      owner,
      actor,
      'job-1',
    );
    expect(outcomes.sort((a, b) => a.row - b.row)).toEqual([
      { row: 2, outcome: 'created' },
      { row: 3, outcome: 'updated' },
      { row: 4, outcome: 'unchanged' },
    ]);
    // Nothing is written again.
    expect(ddb.calls()).toHaveLength(1);
  });
});

describe("dynamoPatentWriter for a department user's rows", () => {
  it("refuses a row for another department's stored patent, whatever department the row names, and writes nothing", async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: { core: [{ ...stored('A', 2, 'job-0'), contentHash: 'older', department: '化学学院' }] },
    });
    const writer = dynamoPatentWriter(ddb as unknown as DynamoDBDocumentClient, 'core');
    const outcomes = await writer.writeBatch(
      [{ row: 7, record: { applicationNumber: 'A', department: '材料学院' } as never, contentHash: 'new' }],
      owner,
      { ...actor, department: '材料学院' },
      'job-1',
    );
    expect(outcomes).toEqual([
      expect.objectContaining({ row: 7, outcome: 'refused', code: 'OTHER_DEPARTMENT', value: 'A' }),
    ]);
    expect((outcomes[0] as { messageEn: string }).messageEn).toContain(
      'belongs to department 化学学院, not yours (材料学院)',
    );
    expect(ddb.calls()).toHaveLength(1);
  });
});

describe('dynamoPatentWriter when the answer of its create was lost', () => {
  it('a create applied at the first attempt (answer lost, the re-send conflicted) is created, never "unchanged" or another institution\'s', async () => {
    // Found by the `lost` faults (infra/local/faults.ts): each attempt of the kit's transact() had its
    // own ClientRequestToken, so the attempt after the conflict met the patent its first attempt had
    // created, its condition failed, and the row was read again: same owner, same hash, no job ->
    // 'unchanged' (POST /v1/patents answered 200 instead of 201).
    const dynamo = lostThenConflicted();
    ddb.on(TransactWriteCommand).callsFake(dynamo.fake);
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { core: [] } })
      .resolves({ Responses: { core: [{ ...stored('N', 1, 'x'), sourceJobId: undefined }] } });
    const writer = dynamoPatentWriter(ddb as unknown as DynamoDBDocumentClient, 'core');
    const outcomes = await writer.writeBatch([patent(2, 'N')], owner, actor, undefined);
    expect(outcomes).toEqual([{ row: 2, outcome: 'created' }]);
    expect(dynamo.tokens).toHaveLength(2);
    expect(new Set(dynamo.tokens).size).toBe(1);
  });
});
