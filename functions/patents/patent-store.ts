/**
 * DynamoDB adapter of PatentWriter (and the patent reads). A batch is classified with one BatchGet,
 * then written with one TransactWriteItems whose conditions guarantee that a patent is created only
 * once, never written over another institution's, and updated only from the version that was read.
 * If the transaction is cancelled (a concurrent write), each row is retried alone and told apart.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { inventoryRecordSchema } from '../../schemas/inventory/patent-row.ts';
import type { Caller } from '../../schemas/roles.ts';
import type { Owner, PatentToWrite, PatentWriter, WriteOutcome } from '../intake/ingest.ts';
import { auditItem } from '../shared/audit.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const patentKey = (applicationNumber: string) => ({ pk: `PAT#${applicationNumber}`, sk: 'PATENT' });
const recordFields = Object.keys(inventoryRecordSchema.shape) as Array<
  keyof typeof inventoryRecordSchema.shape
>;

interface Stored {
  pk: string;
  institutionUscc: string;
  contentHash: string;
  version: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function dynamoPatentWriter(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: () => Date = () => new Date(),
): PatentWriter {
  async function readStored(numbers: string[]): Promise<Map<string, Stored>> {
    const found = new Map<string, Stored>();
    let keys = numbers.map(patentKey);
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const response = await documents.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys,
              ProjectionExpression: 'pk, institutionUscc, contentHash, version',
              ConsistentRead: true,
            },
          },
        }),
      );
      for (const item of response.Responses?.[tableName] ?? []) found.set(item.pk as string, item as Stored);
      keys = (response.UnprocessedKeys?.[tableName]?.Keys ?? []) as typeof keys;
      if (attempt > 8 && keys.length)
        throw new Error(`DynamoDB left ${keys.length} keys unprocessed after retries`);
    }
    return found;
  }

  function createItem(
    patent: PatentToWrite,
    owner: Owner,
    actor: Pick<Caller, 'sub'>,
    jobId: string | undefined,
    at: string,
  ): TransactItem {
    const number = patent.record.applicationNumber;
    return {
      Put: {
        TableName: tableName,
        Item: {
          ...patentKey(number),
          entity: 'patent',
          gsi1pk: `INST#${owner.uscc}#PAT`,
          gsi1sk: number,
          gsi2pk: `PROV#${owner.provinceCode}#PAT`,
          gsi2sk: `${owner.uscc}#${number}`,
          ...patent.record,
          institutionUscc: owner.uscc,
          provinceCode: owner.provinceCode,
          poolStatus: 'base',
          reviewStatus: 'draft',
          contentHash: patent.contentHash,
          version: 1,
          createdAt: at,
          createdBy: actor.sub,
          updatedAt: at,
          updatedBy: actor.sub,
          ...(jobId ? { sourceJobId: jobId } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  function updateItems(
    patent: PatentToWrite,
    stored: Stored,
    owner: Owner,
    actor: Pick<Caller, 'sub' | 'roles'>,
    jobId: string | undefined,
    at: string,
  ): TransactItem[] {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':hash': patent.contentHash,
      ':version': stored.version,
      ':next': stored.version + 1,
      ':at': at,
      ':by': actor.sub,
      ':owner': owner.uscc,
    };
    const sets = ['contentHash = :hash', 'version = :next', 'updatedAt = :at', 'updatedBy = :by'];
    const removes: string[] = [];
    recordFields.forEach((field, i) => {
      names[`#f${i}`] = field;
      const value = patent.record[field];
      if (value === undefined) removes.push(`#f${i}`);
      else {
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      }
    });
    if (jobId) {
      values[':job'] = jobId;
      sets.push('sourceJobId = :job');
    }
    return [
      {
        Update: {
          TableName: tableName,
          Key: patentKey(patent.record.applicationNumber),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'version = :version AND institutionUscc = :owner',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: auditItem({
            pk: stored.pk,
            action: 'patent.updated-from-inventory',
            caller: actor,
            at,
            changes: { ...patent.record, fromVersion: stored.version, ...(jobId ? { jobId } : {}) },
          }),
        },
      },
    ];
  }

  /**
   * Classifies and writes one batch. When the transaction is cancelled, the rows whose own condition
   * failed lost a race: an update is then reported (never re-applied over the other change) and a
   * create is told apart by reading what is there now; the other rows were only cancelled with them
   * and are written again.
   */
  async function writeBatch(
    batch: PatentToWrite[],
    owner: Owner,
    actor: Pick<Caller, 'sub' | 'roles'>,
    jobId: string | undefined,
    depth = 0,
  ): Promise<WriteOutcome[]> {
    const stored = await readStored(batch.map((p) => p.record.applicationNumber));
    const at = now().toISOString();
    const outcomes: WriteOutcome[] = [];
    const items: TransactItem[] = [];
    const written: Array<{ patent: PatentToWrite; outcome: 'created' | 'updated'; items: number[] }> = [];
    for (const patent of batch) {
      const current = stored.get(patentKey(patent.record.applicationNumber).pk);
      if (!current) {
        written.push({ patent, outcome: 'created', items: [items.length] });
        items.push(createItem(patent, owner, actor, jobId, at));
      } else if (current.institutionUscc !== owner.uscc)
        outcomes.push({ row: patent.row, outcome: 'owned-by-another' });
      else if (current.contentHash === patent.contentHash)
        outcomes.push({ row: patent.row, outcome: 'unchanged' });
      else {
        written.push({ patent, outcome: 'updated', items: [items.length, items.length + 1] });
        items.push(...updateItems(patent, current, owner, actor, jobId, at));
      }
    }
    if (items.length === 0) return outcomes;
    try {
      await documents.send(new TransactWriteCommand({ TransactItems: items }));
      return [...outcomes, ...written.map((w) => ({ row: w.patent.row, outcome: w.outcome }))];
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const lost = (w: (typeof written)[number]) =>
        w.items.some((i) => reasons[i]?.Code === 'ConditionalCheckFailed');
      const innocent = written.filter((w) => !lost(w)).map((w) => w.patent);
      for (const w of written.filter(lost)) {
        if (w.outcome === 'updated') {
          outcomes.push({ row: w.patent.row, outcome: 'changed-concurrently' });
          continue;
        }
        const now = (await readStored([w.patent.record.applicationNumber])).values().next().value;
        outcomes.push({
          row: w.patent.row,
          outcome:
            now?.institutionUscc !== owner.uscc
              ? 'owned-by-another'
              : now.contentHash === w.patent.contentHash
                ? 'unchanged'
                : 'changed-concurrently',
        });
      }
      if (innocent.length === 0) return outcomes;
      if (depth >= 3)
        return [
          ...outcomes,
          ...innocent.map((p) => ({ row: p.row, outcome: 'changed-concurrently' as const })),
        ];
      await sleep(20 * 2 ** depth);
      return [...outcomes, ...(await writeBatch(innocent, owner, actor, jobId, depth + 1))];
    }
  }

  return { writeBatch: (batch, owner, actor, jobId) => writeBatch(batch, owner, actor, jobId) };
}

export async function getPatentItem(
  documents: DynamoDBDocumentClient,
  tableName: string,
  applicationNumber: string,
) {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: patentKey(applicationNumber) }),
  );
  return Item;
}
