/**
 * Who owns a patent is decided by the first write, on the real DynamoDB (Local): an institution
 * creating patents one by one (POST /v1/patents) and another institution's batch upload naming the
 * same numbers at the same time must end with every number owned by exactly one of them, and the
 * other one told so (OWNED_BY_ANOTHER_INSTITUTION), never "created".
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type IngestResult, ingestRecords, type Owner } from '../../functions/intake/ingest.ts';
import type { TableRow } from '../../functions/intake/table.ts';
import { dynamoPatentWriter } from '../../functions/patents/patent-store.ts';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { clients, tableName } from './helpers.ts';

const table = tableName('core');
const institutionA: Owner = { uscc: withUsccCheck('12310000MB0000701'), provinceCode: '310000' };
const institutionC: Owner = { uscc: withUsccCheck('12110000MB0000702'), provinceCode: '110000' };
const actorA = { sub: 'staff-a', roles: ['institution' as const] };
const actorC = { sub: 'staff-c', roles: ['institution' as const] };
const today = '2026-12-05';

async function* tableRows(rows: string[][]): AsyncGenerator<TableRow> {
  for (const [i, cells] of rows.entries()) yield { rowNumber: i + 2, cells };
}

function ingest(documents: DynamoDBDocumentClient, owner: Owner, actor: typeof actorA, rows: string[][]) {
  return ingestRecords(
    { writer: dynamoPatentWriter(documents, table), today, batchSize: 25, concurrency: 4 },
    owner,
    actor,
    tableRows(rows),
    [...templateHeaders],
  );
}

async function owners(documents: DynamoDBDocumentClient, numbers: string[]) {
  const found = new Map<string, string>();
  for (let i = 0; i < numbers.length; i += 100) {
    const { Responses } = await documents.send(
      new BatchGetCommand({
        RequestItems: {
          [table]: {
            Keys: numbers.slice(i, i + 100).map((n) => ({ pk: `PAT#${n}`, sk: 'PATENT' })),
            ConsistentRead: true,
          },
        },
      }),
    );
    for (const item of Responses?.[table] ?? [])
      found.set(String(item.applicationNumber), String(item.institutionUscc));
  }
  return found;
}

/** What each side was told per number: 'created' or the error code of its row. */
function told(results: IngestResult[], rows: string[][], rowOf: (result: number, row: number) => number) {
  const answers = new Map<string, string>();
  results.forEach((result, r) => {
    const refused = new Map(result.errors.map((e) => [e.row, e.code]));
    for (let i = 0; i < result.rowsTotal; i++) {
      const index = rowOf(r, i);
      answers.set(rows[index]![0]!, refused.get(i + 2) ?? 'created');
    }
  });
  return answers;
}

function expectOneOwnerEach(
  numbers: string[],
  stored: Map<string, string>,
  toldA: Map<string, string>,
  toldC: Map<string, string>,
) {
  for (const number of numbers) {
    const owner = stored.get(number);
    const answers = { number, owner, a: toldA.get(number), c: toldC.get(number) };
    if (owner === institutionA.uscc)
      expect(answers).toEqual({ ...answers, a: 'created', c: 'OWNED_BY_ANOTHER_INSTITUTION' });
    else
      expect(answers).toEqual({
        ...answers,
        owner: institutionC.uscc,
        a: 'OWNED_BY_ANOTHER_INSTITUTION',
        c: 'created',
      });
  }
}

describe('patent ownership under concurrent creation', () => {
  it('A creates numbers one by one after C read them as absent: C’s batch is told OWNED_BY_ANOTHER_INSTITUTION and takes none', async () => {
    const { documents } = clients();
    const rows = demoInventoryRows(30, { seed: 71, serialBase: 7100 });
    const numbers = rows.map((r) => r[0]!);
    // C's writes wait until A has created everything C's classification read as absent: the
    // widest window between "absent" and "written" a batch can have.
    let cReadDone!: () => void;
    const cRead = new Promise<void>((resolve) => {
      cReadDone = resolve;
    });
    let aDone!: () => void;
    const aFinished = new Promise<void>((resolve) => {
      aDone = resolve;
    });
    const gated = {
      send: async (command: { constructor: { name: string } }) => {
        const isRead = command.constructor.name === 'BatchGetCommand';
        if (!isRead) await aFinished;
        const result = await documents.send(command as never);
        if (isRead) cReadDone();
        return result;
      },
    } as unknown as DynamoDBDocumentClient;

    const batchC = ingest(gated, institutionC, actorC, rows);
    await cRead;
    const resultsA: IngestResult[] = [];
    for (const cells of rows) resultsA.push(await ingest(documents, institutionA, actorA, [cells]));
    aDone();
    const resultC = await batchC;

    const toldA = told(resultsA, rows, (r) => r);
    const toldC = told([resultC], rows, (_, i) => i);
    const stored = await owners(documents, numbers);
    expect([...stored.values()].every((owner) => owner === institutionA.uscc)).toBe(true);
    expectOneOwnerEach(numbers, stored, toldA, toldC);
    expect(resultC).toMatchObject({ rowsCreated: 0, rowsRejected: 30 });
    expect(resultC.errors[0]).toMatchObject({ code: 'OWNED_BY_ANOTHER_INSTITUTION', value: numbers[0] });
  });

  it('run freely at the same time, every number has exactly one owner and the other side is told', async () => {
    const { documents } = clients();
    const rows = demoInventoryRows(120, { seed: 72, serialBase: 7200 });
    const numbers = rows.map((r) => r[0]!);
    const [resultsA, resultC] = await Promise.all([
      (async () => {
        const results: IngestResult[] = [];
        for (const cells of rows) results.push(await ingest(documents, institutionA, actorA, [cells]));
        return results;
      })(),
      ingest(documents, institutionC, actorC, [...rows].reverse()),
    ]);
    const toldA = told(resultsA, rows, (r) => r);
    const toldC = told([resultC], rows, (_, i) => rows.length - 1 - i);
    const stored = await owners(documents, numbers);
    expect(stored.size).toBe(numbers.length);
    expectOneOwnerEach(numbers, stored, toldA, toldC);
  });

  it("a file mixing new numbers, its own stored ones and another institution's, in batches: another institution keeps its patents, stored ones are compared and updated", async () => {
    const { documents } = clients();
    const rows = demoInventoryRows(60, { seed: 73, serialBase: 7600 });
    const numbers = rows.map((r) => r[0]!);
    const trl = templateHeaders.indexOf('技术成熟度');
    await ingest(documents, institutionA, actorA, rows.slice(30, 40));
    await ingest(documents, institutionC, actorC, [
      ...rows.slice(20, 30),
      ...rows.slice(50, 55).map((r) => r.map((cell, i) => (i === trl ? (cell === '9' ? '8' : '9') : cell))),
    ]);
    const result = await ingestRecords(
      { writer: dynamoPatentWriter(documents, table), today, batchSize: 10, concurrency: 1 },
      institutionC,
      actorC,
      tableRows(rows),
      [...templateHeaders],
      'job-optimistic',
    );
    expect(result).toMatchObject({
      rowsTotal: 60,
      rowsCreated: 35,
      rowsUnchanged: 10,
      rowsUpdated: 5,
      rowsRejected: 10,
    });
    expect(result.errors.map((e) => [e.row, e.code])).toEqual(
      numbers.slice(30, 40).map((_, i) => [32 + i, 'OWNED_BY_ANOTHER_INSTITUTION']),
    );
    const stored = await owners(documents, numbers);
    for (const [i, number] of numbers.entries())
      expect([number, stored.get(number)]).toEqual([
        number,
        i >= 30 && i < 40 ? institutionA.uscc : institutionC.uscc,
      ]);
  });
});
