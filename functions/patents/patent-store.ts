/**
 * DynamoDB adapter of PatentWriter (and the patent reads): see writeBatch for how a batch of rows is
 * classified (one consistent BatchGet) and written.
 */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { inventoryRecordSchema } from '../../schemas/inventory/record.ts';
import { inventoryColumns } from '../../schemas/inventory/template.ts';
import type { Caller } from '../../schemas/roles.ts';
import type { Owner, PatentToWrite, PatentWriter, WriteOutcome } from '../intake/ingest.ts';
import { auditItem } from '../shared/audit.ts';
import { batchGetAll } from '../shared/dynamo/batch.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { forEachLimited, withThrottlingRetry } from '../shared/dynamo/throttling.ts';
import { type TransactItem, transact } from '../shared/dynamo/transact.ts';
import {
  inventoryEditable,
  inventoryEditableIn,
  inventoryLockedMessage,
  transitionOwnedRecordFields,
} from './field-ownership.ts';

const applicationColumnZh = inventoryColumns.find((c) => c.key === 'applicationNumber')!.zh;
const lockedRow = (row: number, applicationNumber: string, reviewStatus: string) => {
  const message = inventoryLockedMessage(applicationNumber, reviewStatus);
  return {
    code: message.code,
    messageZh: `第 ${row} 行：${message.messageZh}`,
    messageEn: `Row ${row}: ${message.messageEn}`,
  };
};

/** Conditional creates in flight per batch (a file runs several batches at once: see ingest.ts). */
export const writesInFlightPerBatch = 8;
const createConcurrency = writesInFlightPerBatch;

export const patentKey = keys.patent;
const recordFields = Object.keys(inventoryRecordSchema.shape) as Array<
  keyof typeof inventoryRecordSchema.shape
>;
/** What an upload may change on a stored patent: the record without the transition-owned fields. */
const inventoryFields = recordFields.filter(
  (field) => !(transitionOwnedRecordFields as readonly string[]).includes(field),
);
const inventoryChanges = (patent: PatentToWrite) =>
  Object.fromEntries(inventoryFields.map((field) => [field, patent.record[field]]));

interface Stored {
  pk: string;
  institutionUscc: string;
  contentHash: string;
  version: number;
  reviewStatus?: string;
}

/** Jobs remembered by one writer (a container ingests one file at a time; the bound is a backstop). */
const rememberedJobs = 64;

export function dynamoPatentWriter(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: () => Date = () => new Date(),
): PatentWriter {
  /**
   * Jobs whose last classified batch held only new patents (uscc#jobId). Their next batches skip the
   * classification read: every row is created conditionally at once, and a row whose create fails
   * is classified from the item the failed condition returns (or read again), exactly as after a read.
   */
  const allNewJobs = new Map<string, boolean>();
  const remember = (job: string, allNew: boolean) => {
    allNewJobs.delete(job);
    allNewJobs.set(job, allNew);
    if (allNewJobs.size > rememberedJobs) allNewJobs.delete(allNewJobs.keys().next().value as string);
  };

  async function readStored(numbers: string[]): Promise<Map<string, Stored>> {
    const items = await batchGetAll(documents, tableName, numbers.map(patentKey), {
      projection: 'pk, institutionUscc, contentHash, version, reviewStatus',
      consistentRead: true,
    });
    return new Map(items.map((item) => [item.pk as string, item as unknown as Stored]));
  }

  function newItem(
    patent: PatentToWrite,
    owner: Owner,
    actor: Pick<Caller, 'sub'>,
    jobId: string | undefined,
    at: string,
  ) {
    const number = patent.record.applicationNumber;
    return {
      ...patentKey(number),
      entity: 'patent',
      gsi1pk: indexes.institutionPatents(owner.uscc),
      gsi1sk: number,
      gsi2pk: indexes.provincePatents(owner.provinceCode),
      gsi2sk: `${owner.uscc}#${number}`,
      ...patent.record,
      institutionUscc: owner.uscc,
      provinceCode: owner.provinceCode,
      poolStatus: 'base',
      reviewStatus: 'draft',
      // The first state of the pipeline (schemas/lifecycle.ts); inventory approval moves it on.
      lifecycle: 'registered',
      contentHash: patent.contentHash,
      version: 1,
      createdAt: at,
      createdBy: actor.sub,
      updatedAt: at,
      updatedBy: actor.sub,
      ...(jobId ? { sourceJobId: jobId } : {}),
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
    inventoryEditableIn.forEach((state, i) => {
      values[`:editable${i}`] = state;
    });
    inventoryFields.forEach((field, i) => {
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
          // The review may have moved on since the read: then the row is reported, not applied.
          ConditionExpression: `version = :version AND institutionUscc = :owner AND (attribute_not_exists(reviewStatus) OR reviewStatus IN (${inventoryEditableIn.map((_, i) => `:editable${i}`).join(', ')}))`,
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
            changes: {
              ...inventoryChanges(patent),
              fromVersion: stored.version,
              ...(jobId ? { jobId } : {}),
            },
          }),
        },
      },
    ];
  }

  /**
   * Creates one patent only if no item has its key (`attribute_not_exists(pk)`): whoever wrote it
   * first keeps it. Answers the owner found when the condition failed (read in the same request
   * with ReturnValuesOnConditionCheckFailure), so the loser is told who won without a second read.
   */
  async function createIfAbsent(item: Record<string, unknown>): Promise<'created' | { ownerUscc: unknown }> {
    try {
      await withThrottlingRetry(() =>
        documents.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return 'created';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = error.Item ? unmarshall(error.Item) : undefined;
      return { ownerUscc: existing?.institutionUscc };
    }
  }

  /**
   * Classifies and writes one batch. New patents (absent in a consistent read just before, or every
   * row of a job whose last read batch found only new patents) are created with conditional PutItems
   * (`writesInFlightPerBatch` at most): when the number exists (another upload wrote it meanwhile, or
   * it was stored before a batch that did not read), the condition fails and the row is reported as
   * owned by another institution (the owner comes back with the failed condition) or, for our own
   * institution or an owner not returned, read and classified again; never counted as created and
   * never written over the other one. Updates go through a transaction conditioned on the version that was
   * read (plus the audit entry): an update that lost a race is reported, never re-applied over the
   * other change; rows that were only cancelled with it are written again.
   */
  async function writeBatch(
    batch: PatentToWrite[],
    owner: Owner,
    actor: Pick<Caller, 'sub' | 'roles'>,
    jobId: string | undefined,
    depth = 0,
  ): Promise<WriteOutcome[]> {
    const job = jobId === undefined ? undefined : `${owner.uscc}#${jobId}`;
    // A file of new patents (the first upload of an inventory) writes without reading first; the
    // conditions keep it exactly as safe. Re-uploads (stored rows found) keep reading first, since a
    // failed conditional create costs a write.
    const optimistic = depth === 0 && job !== undefined && allNewJobs.get(job) === true;
    const stored = optimistic
      ? new Map<string, Stored>()
      : await readStored(batch.map((p) => p.record.applicationNumber));
    if (job !== undefined && !optimistic && depth === 0) remember(job, stored.size === 0);
    const at = now().toISOString();
    const outcomes: WriteOutcome[] = [];
    const creates: PatentToWrite[] = [];
    const items: TransactItem[] = [];
    const updates: Array<{ patent: PatentToWrite; items: number[] }> = [];
    for (const patent of batch) {
      const current = stored.get(patentKey(patent.record.applicationNumber).pk);
      if (!current) creates.push(patent);
      else if (current.institutionUscc !== owner.uscc)
        outcomes.push({ row: patent.row, outcome: 'owned-by-another' });
      else if (current.contentHash === patent.contentHash)
        outcomes.push({ row: patent.row, outcome: 'unchanged' });
      else if (!inventoryEditable(current.reviewStatus))
        outcomes.push({
          row: patent.row,
          outcome: 'refused',
          column: applicationColumnZh,
          value: patent.record.applicationNumber,
          ...lockedRow(patent.row, patent.record.applicationNumber, current.reviewStatus!),
        });
      else {
        updates.push({ patent, items: [items.length, items.length + 1] });
        items.push(...updateItems(patent, current, owner, actor, jobId, at));
      }
    }
    const raced: PatentToWrite[] = [];
    let existed = 0;
    await forEachLimited(creates, createConcurrency, async (patent) => {
      const result = await createIfAbsent(newItem(patent, owner, actor, jobId, at));
      if (result !== 'created') existed++;
      if (result === 'created') outcomes.push({ row: patent.row, outcome: 'created' });
      else if (result.ownerUscc !== undefined && result.ownerUscc !== owner.uscc)
        outcomes.push({ row: patent.row, outcome: 'owned-by-another' });
      // Our own institution has it (created a moment ago by another upload, or stored before a batch
      // that did not read first): compare and update like any stored patent.
      else if (depth < 3) raced.push(patent);
      else outcomes.push({ row: patent.row, outcome: 'changed-concurrently' });
    });
    if (optimistic && existed > 0) remember(job!, false);
    if (raced.length) outcomes.push(...(await writeBatch(raced, owner, actor, jobId, depth + 1)));
    if (items.length === 0) return outcomes;
    const written = await transact(documents, items, {
      what: `${updates.length} changed patents of the upload`,
      // Which patents changed since they were read (their version or hash condition failed).
      conditionFailed: (failed) => ({ failed }),
    });
    if (written === 'committed')
      return [...outcomes, ...updates.map((u) => ({ row: u.patent.row, outcome: 'updated' as const }))];
    const lost = (u: (typeof updates)[number]) => u.items.some((i) => written.failed.includes(i));
    for (const u of updates.filter(lost))
      outcomes.push({ row: u.patent.row, outcome: 'changed-concurrently' });
    const innocent = updates.filter((u) => !lost(u)).map((u) => u.patent);
    if (innocent.length === 0) return outcomes;
    if (depth >= 3)
      return [
        ...outcomes,
        ...innocent.map((p) => ({ row: p.row, outcome: 'changed-concurrently' as const })),
      ];
    // Cancelled for the others' sake: read again and write what is still to write.
    return [...outcomes, ...(await writeBatch(innocent, owner, actor, jobId, depth + 1))];
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
