/**
 * A re-upload never rewrites what the pipeline owns: on the real DynamoDB (Local), through the intake
 * use-case every upload path uses (ingestRecords + the DynamoDB patent writer), an approved patent
 * whose implementation status a product filing set to industrialized keeps it and its inventory when
 * the institution uploads the row again with 转让实施 and another title; a returned one takes the new
 * inventory fields but still keeps the implementation status.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ingestRecords, type Owner } from '../../functions/intake/ingest.ts';
import type { TableRow } from '../../functions/intake/table.ts';
import { dynamoPatentWriter } from '../../functions/patents/patent-store.ts';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { clients, tableName } from './helpers.ts';

const table = tableName('core');
const owner: Owner = { uscc: withUsccCheck('12310000MB0000901'), provinceCode: '310000' };
const actor = { sub: 'staff', roles: ['institution' as const] };
const column = (zh: string) => templateHeaders.indexOf(zh);

async function upload(cells: string[]) {
  const { documents } = clients();
  async function* rows(): AsyncGenerator<TableRow> {
    yield { rowNumber: 2, cells };
  }
  return ingestRecords(
    { writer: dynamoPatentWriter(documents, table), today: '2026-12-05' },
    owner,
    actor,
    rows(),
    [...templateHeaders],
  );
}

async function stored(applicationNumber: string) {
  const { Item } = await clients().documents.send(
    new GetCommand({ TableName: table, Key: { pk: `PAT#${applicationNumber}`, sk: 'PATENT' } }),
  );
  return Item!;
}

/** What the review and a product filing do to the patent (their own paths, not uploads). */
async function pipelineSets(applicationNumber: string, reviewStatus: string) {
  await clients().documents.send(
    new UpdateCommand({
      TableName: table,
      Key: { pk: `PAT#${applicationNumber}`, sk: 'PATENT' },
      UpdateExpression:
        'SET reviewStatus = :review, implementationStatus = :industrialized, version = version + :one',
      ExpressionAttributeValues: { ':review': reviewStatus, ':industrialized': 'industrialized', ':one': 1 },
    }),
  );
}

describe('field ownership of patents on re-upload', () => {
  it('an approved patent: the row is refused (INVENTORY_LOCKED), title and industrialized status stay', async () => {
    const cells = demoInventoryRows(1, { seed: 91, serialBase: 9100 })[0]!;
    const number = cells[0]!;
    cells[column('实施状态')] = '未实施';
    expect(await upload(cells)).toMatchObject({ rowsCreated: 1 });
    const title = (await stored(number)).title;
    await pipelineSets(number, 'approved');

    const again = [...cells];
    again[column('实施状态')] = '转让实施';
    again[column('专利名称')] = '一种被改写的名称';
    const result = await upload(again);
    expect(result).toMatchObject({ rowsUpdated: 0, rowsRejected: 1 });
    expect(result.errors[0]).toMatchObject({ row: 2, code: 'INVENTORY_LOCKED', value: number });
    expect(result.errors[0]!.messageEn).toContain('approved');
    expect(await stored(number)).toMatchObject({
      title,
      implementationStatus: 'industrialized',
      reviewStatus: 'approved',
    });
  });

  it('a returned patent: inventory fields change, the implementation status owned by transitions does not', async () => {
    const cells = demoInventoryRows(1, { seed: 92, serialBase: 9200 })[0]!;
    const number = cells[0]!;
    cells[column('实施状态')] = '未实施';
    expect(await upload(cells)).toMatchObject({ rowsCreated: 1 });
    await pipelineSets(number, 'returned');

    const again = [...cells];
    again[column('实施状态')] = '转让实施';
    again[column('专利名称')] = '一种修正后的名称';
    expect(await upload(again)).toMatchObject({ rowsUpdated: 1, rowsRejected: 0 });
    expect(await stored(number)).toMatchObject({
      title: '一种修正后的名称',
      implementationStatus: 'industrialized',
      reviewStatus: 'returned',
    });
  });
});
