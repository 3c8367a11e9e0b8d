/** The local cloud builds exactly what infra/resources.ts declares (the CDK side is test/infra/declarations.test.ts). */
import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { buckets, schedules, type TableDeclaration, tables, workflows } from '../../infra/resources.ts';
import { bucketName, clients, cloud, tableName } from './helpers.ts';

describe('the local cloud and the declarations agree', () => {
  it('has exactly the declared tables, with their keys, indexes, streams and TTL', async () => {
    const { dynamodb } = clients();
    const { TableNames = [] } = await dynamodb.send(new ListTablesCommand({}));
    expect(TableNames.sort()).toEqual(Object.keys(tables).map(tableName).sort());
    for (const [name, declared] of Object.entries(tables) as Array<[string, TableDeclaration]>) {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName(name) }));
      const keys = (schema: Array<{ AttributeName?: string; KeyType?: string }> = []) =>
        Object.fromEntries(schema.map((k) => [k.KeyType, k.AttributeName]));
      expect(keys(Table!.KeySchema), name).toEqual({
        HASH: declared.partitionKey,
        ...(declared.sortKey ? { RANGE: declared.sortKey } : {}),
      });
      expect(
        (Table!.GlobalSecondaryIndexes ?? [])
          .map((i) => ({ name: i.IndexName, ...keys(i.KeySchema) }))
          .sort((a, b) => a.name!.localeCompare(b.name!)),
        name,
      ).toEqual(
        declared.globalIndexes.map((i) => ({
          name: i.name,
          HASH: i.partitionKey,
          ...(i.sortKey ? { RANGE: i.sortKey } : {}),
        })),
      );
      expect(Table!.StreamSpecification?.StreamViewType, name).toBe(declared.stream);
      const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: tableName(name) }));
      expect(ttl.TimeToLiveDescription?.AttributeName, name).toBe(declared.ttlAttribute);
    }
  });

  it('has the declared buckets, state machines and schedules', async () => {
    const { s3, sfn } = clients();
    const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name).sort()).toEqual(Object.keys(buckets).map(bucketName).sort());
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines.map((m) => m.name).sort()).toEqual(
      Object.keys(workflows)
        .map((w) => `patents-local-${w}`)
        .sort(),
    );
    expect(stateMachines.map((m) => m.type)).toEqual(Object.values(workflows).map((w) => w.type));
    const status = (await (await fetch(`${cloud().controlUrl}/_local/status`)).json()) as {
      schedules: Array<{ name: string; next: string }>;
    };
    expect(status.schedules.map((s) => s.name).sort()).toEqual(Object.keys(schedules).sort());
    for (const schedule of status.schedules) expect(Date.parse(schedule.next)).toBeGreaterThan(Date.now());
  });
});
