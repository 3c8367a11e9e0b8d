/**
 * DynamoDB adapter of PatentWriter (and the patent reads): see writeBatch for how a batch of rows is
 * classified (one consistent BatchGet) and written.
 */

import { isDeepStrictEqual } from 'node:util';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { inventoryRecordSchema } from '../../schemas/inventory/record.ts';
import { inventoryColumns } from '../../schemas/inventory/template.ts';
import { terminalStates } from '../../schemas/lifecycle.ts';
import type { Owner, PatentToWrite, PatentWriter, WriteOutcome } from '../intake/ingest.ts';
import { type TransitionSubject, transitionWrites, versionedUpdate } from '../pipeline/transitions.ts';
import { type AuditActor, actorLabel, auditItem } from '../shared/audit.ts';
import { batchGetAll } from '../shared/dynamo/batch.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { forEachLimited } from '../shared/dynamo/throttling.ts';
import { type TransactItem, transact } from '../shared/dynamo/transact.ts';
import { planStatusChange, type StatusSubject } from './exits.ts';
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

/** The row of a patent that left the pipeline by an exit: final, its status is not changed by upload. */
const exitedRow = (row: number, applicationNumber: string, lifecycle: string) => ({
  code: 'INVENTORY_LOCKED',
  messageZh: `第 ${row} 行：专利 ${applicationNumber} 已退出转化流程（${lifecycle}），不再通过导入修改，本行未导入：如登记有误，请联系省级管理员更正`,
  messageEn: `Row ${row}: patent ${applicationNumber} left the pipeline (${lifecycle}, final) and is not changed by upload, so this row was not applied: if that was recorded in error, ask your province administrator for a correction`,
});

/**
 * New patents per transaction (each is two items, the patent and its `patent.registered` audit entry:
 * 25 patents make 50 items, half the transaction limit, and keep a transaction far below its 4 MB), and
 * such transactions in flight per batch (a file runs several batches at once: see ingest.ts).
 */
const createsPerTransaction = 25;
const createConcurrency = 4;
/** Create transactions in flight per batch (the ingest bench replays the writer's requests at this). */
export const writesInFlightPerBatch = createConcurrency;

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
/** What a row may still change on an approved patent: the facts, not the inventory (functions/patents/exits.ts). */
const statusFields: readonly string[] = ['legalStatus', 'conversionIntents'];
const columnZh = (field: string) => inventoryColumns.find((c) => c.key === field)?.zh ?? field;
/** The inventory fields, other than the status fields, in which the row differs from the stored patent. */
const lockedChanges = (stored: Stored, patent: PatentToWrite) =>
  inventoryFields.filter(
    (field) =>
      !statusFields.includes(field) &&
      !isDeepStrictEqual(stored[field] ?? undefined, patent.record[field] ?? undefined),
  );

/** The stored patent, whole: the audit entry of an update takes its `before` values from it. */
interface Stored extends Record<string, unknown> {
  pk: string;
  institutionUscc: string;
  contentHash: string;
  version: number;
  reviewStatus?: string;
  sourceJobId?: string;
}

export function dynamoPatentWriter(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: () => Date = () => new Date(),
): PatentWriter {
  async function readStored(numbers: string[]): Promise<Map<string, Stored>> {
    // The whole item (a projection costs the same read units): an update is conditioned on this
    // version, so its fields are the `before` of the update's audit entry.
    const items = await batchGetAll(documents, tableName, numbers.map(patentKey), {
      consistentRead: true,
    });
    return new Map(items.map((item) => [item.pk as string, item as unknown as Stored]));
  }

  function newItem(
    patent: PatentToWrite,
    owner: Owner,
    actor: AuditActor,
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
      createdBy: actorLabel(actor),
      updatedAt: at,
      updatedBy: actorLabel(actor),
      ...(jobId ? { sourceJobId: jobId } : {}),
    };
  }

  function updateItems(
    patent: PatentToWrite,
    stored: Stored,
    owner: Owner,
    actor: AuditActor,
    jobId: string | undefined,
    at: string,
  ): TransactItem[] {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':hash': patent.contentHash,
      ':version': stored.version,
      ':next': stored.version + 1,
      ':at': at,
      ':by': actorLabel(actor),
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
            kind: 'updated',
            pk: stored.pk,
            action: 'patent.updated-from-inventory',
            caller: actor,
            at,
            before: stored,
            after: inventoryChanges(patent),
            version: stored.version + 1,
            ...(jobId ? { context: { jobId } } : {}),
          }),
        },
      },
    ];
  }

  /**
   * A new legal status or conversion intent on an approved patent (its inventory is locked, these are
   * facts): the lapse or expiry exit, the re-screening, or the two fields alone (functions/patents/exits.ts),
   * conditioned on the version read, with the transition's (or the update's) audit entry. The row's
   * content hash is kept only when nothing else of it differs, so that the locked differences are
   * reported again next time. undefined: neither field changed.
   */
  function statusChangeItems(
    patent: PatentToWrite,
    stored: Stored,
    actor: AuditActor,
    jobId: string | undefined,
    at: string,
  ): { items: TransactItem[]; locked: string[] } | undefined {
    const change = planStatusChange(stored as unknown as StatusSubject, patent.record, at);
    if (!change) return undefined;
    const locked = lockedChanges(stored, patent);
    const set = {
      ...change.set,
      ...(locked.length === 0 ? { contentHash: patent.contentHash } : {}),
      ...(jobId ? { sourceJobId: jobId } : {}),
    };
    if (change.transition) {
      const { event, context, eventId, details } = change.transition;
      return {
        locked,
        items: transitionWrites(
          tableName,
          stored as unknown as TransitionSubject,
          {
            event,
            ...(context ? { context } : {}),
            eventId,
            actor,
            set,
            remove: change.remove,
            details: { ...details, ...(jobId ? { jobId } : {}) },
          },
          at,
        ),
      };
    }
    return {
      locked,
      items: [
        versionedUpdate(
          tableName,
          patentKey(patent.record.applicationNumber),
          { version: stored.version, by: actorLabel(actor), at },
          { set, remove: change.remove },
        ),
        {
          Put: {
            TableName: tableName,
            Item: auditItem({
              kind: 'updated',
              pk: stored.pk,
              action: 'patent.status-updated-from-inventory',
              caller: actor,
              at,
              before: stored,
              after: set,
              version: stored.version + 1,
              ...(jobId ? { context: { jobId } } : {}),
            }),
          },
        },
      ],
    };
  }

  /**
   * Creates new patents, `createsPerTransaction` to a transaction: each patent only if no item has its
   * key (`attribute_not_exists(pk)`), with its `patent.registered` audit entry, so that no patent exists
   * without the entry that says who created it. When another upload wrote some of the numbers in the
   * meantime, their conditions fail and the transaction is cancelled (nothing of it written): those
   * rows are answered to be read and classified again, the others are sent again at once without them
   * (each round removes at least one row, so this ends).
   */
  async function createAll(
    patents: PatentToWrite[],
    owner: Owner,
    actor: AuditActor,
    jobId: string | undefined,
    at: string,
  ): Promise<{ created: PatentToWrite[]; again: PatentToWrite[] }> {
    const chunks: PatentToWrite[][] = [];
    for (let i = 0; i < patents.length; i += createsPerTransaction)
      chunks.push(patents.slice(i, i + createsPerTransaction));
    const created: PatentToWrite[] = [];
    const again: PatentToWrite[] = [];
    await forEachLimited(chunks, createConcurrency, async (chunk) => {
      let pending = chunk;
      while (pending.length) {
        const items = pending.flatMap((patent): TransactItem[] => {
          const item = newItem(patent, owner, actor, jobId, at);
          return [
            { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: tableName,
                Item: auditItem({
                  kind: 'created',
                  pk: item.pk,
                  action: 'patent.registered',
                  caller: actor,
                  at,
                  after: item,
                  version: 1,
                  ...(jobId ? { context: { jobId } } : {}),
                }),
              },
            },
          ];
        });
        const written = await transact(documents, items, {
          what: `${pending.length} new patents of the upload`,
          // Patents written by someone else since the read (only the patent items, at even indexes, carry a condition).
          conditionFailed: (failed) => (failed.every((i) => i % 2 === 0) ? { failed } : undefined),
        });
        if (written === 'committed') {
          created.push(...pending);
          return;
        }
        const taken = new Set(written.failed.map((i) => i / 2));
        again.push(...pending.filter((_, i) => taken.has(i)));
        pending = pending.filter((_, i) => !taken.has(i));
      }
    });
    return { created, again };
  }

  /** A written status change: updated, or, when the row also changed locked fields, refused for those. */
  function statusOutcome(update: { patent: PatentToWrite; locked: string[] }): WriteOutcome {
    if (update.locked.length === 0) return { row: update.patent.row, outcome: 'updated' };
    const n = update.patent.record.applicationNumber;
    const names = update.locked.map(columnZh);
    return {
      row: update.patent.row,
      outcome: 'refused',
      column: names[0]!,
      value: n,
      code: 'INVENTORY_LOCKED',
      messageZh: `第 ${update.patent.row} 行：专利 ${n} 的法律状态和转化意愿已更新；其他字段（${names.join('、')}）在盘点审核通过后不能通过导入修改，未导入：如需更正请联系省级管理员`,
      messageEn: `Row ${update.patent.row}: the legal status and conversion intents of patent ${n} were recorded; its other fields (${update.locked.join(', ')}) are an approved inventory and are not changed by upload, so they were not applied: ask your province administrator for a correction`,
    };
  }

  /**
   * Classifies and writes one batch. New patents (absent in a consistent read just before) are
   * created by createAll: when another upload wrote one of the numbers in the meantime, the
   * transaction is cancelled and its rows are read and classified again (owned by another
   * institution, unchanged, or an update), never counted as created and never written over the other
   * one. Updates go through a transaction conditioned on the version that was
   * read (plus the audit entry): an update that lost a race is reported, never re-applied over the
   * other change; rows that were only cancelled with it are written again.
   */
  async function writeBatch(
    batch: PatentToWrite[],
    owner: Owner,
    actor: AuditActor,
    jobId: string | undefined,
    depth = 0,
  ): Promise<WriteOutcome[]> {
    const stored = await readStored(batch.map((p) => p.record.applicationNumber));
    const at = now().toISOString();
    const outcomes: WriteOutcome[] = [];
    const creates: PatentToWrite[] = [];
    const items: TransactItem[] = [];
    const updates: Array<{ patent: PatentToWrite; items: number[] }> = [];
    /** Status changes of approved patents: rare, each its own transaction (a transition is 4 items). */
    const statusChanges: Array<{ patent: PatentToWrite; items: TransactItem[]; locked: string[] }> = [];
    for (const patent of batch) {
      const current = stored.get(patentKey(patent.record.applicationNumber).pk);
      if (!current) creates.push(patent);
      else if (current.institutionUscc !== owner.uscc)
        outcomes.push({ row: patent.row, outcome: 'owned-by-another' });
      else if (actor.department !== undefined && current.department !== actor.department)
        // Another department's patent: a department account neither updates it nor moves it into its
        // own department (the update is conditioned on the version read, so this holds under races).
        outcomes.push({
          row: patent.row,
          outcome: 'refused',
          column: applicationColumnZh,
          value: patent.record.applicationNumber,
          code: 'OTHER_DEPARTMENT',
          messageZh: `第 ${patent.row} 行：专利 ${patent.record.applicationNumber} 属于「${String(current.department)}」，不是您所在的院系（${actor.department}），本行未导入。请本单位校级账号修改此专利`,
          messageEn: `Row ${patent.row}: patent ${patent.record.applicationNumber} belongs to department ${String(current.department)}, not yours (${actor.department}), so this row was not applied. Ask an institution-level account of your institution to change it`,
        });
      else if (current.contentHash === patent.contentHash)
        outcomes.push({
          row: patent.row,
          // This very job wrote it already: its task is run again (Step Functions retries a failed
          // ingest from the start), and the row counts as what that first run did, not as unchanged.
          outcome:
            jobId && current.sourceJobId === jobId
              ? current.version === 1
                ? 'created'
                : 'updated'
              : 'unchanged',
        });
      else if (!inventoryEditable(current.reviewStatus)) {
        // A patent that left by an exit (withdrawn, lapsed, expired) takes no new status: final.
        const exited = (terminalStates as readonly string[]).includes(String(current.lifecycle));
        const status =
          current.reviewStatus === 'approved' && !exited
            ? statusChangeItems(patent, current, actor, jobId, at)
            : undefined;
        const statusDiffers = statusFields.some(
          (field) =>
            !isDeepStrictEqual(
              current[field] ?? undefined,
              patent.record[field as keyof typeof patent.record] ?? undefined,
            ),
        );
        if (status) statusChanges.push({ patent, ...status });
        else if (lockedChanges(current, patent).length === 0 && !statusDiffers)
          // Only what the stored item does not keep differs (e.g. derived fields): nothing to change.
          outcomes.push({ row: patent.row, outcome: 'unchanged' });
        else
          outcomes.push({
            row: patent.row,
            outcome: 'refused',
            column: applicationColumnZh,
            value: patent.record.applicationNumber,
            ...(exited
              ? exitedRow(patent.row, patent.record.applicationNumber, String(current.lifecycle))
              : lockedRow(patent.row, patent.record.applicationNumber, current.reviewStatus!)),
          });
      } else {
        updates.push({ patent, items: [items.length, items.length + 1] });
        items.push(...updateItems(patent, current, owner, actor, jobId, at));
      }
    }
    const { created, again } = await createAll(creates, owner, actor, jobId, at);
    await forEachLimited(statusChanges, createConcurrency, async (change) => {
      const written = await transact(documents, change.items, {
        what: `the new legal status of patent ${change.patent.record.applicationNumber}`,
        // The version moved on since the read (or the exit was applied meanwhile): reported, not re-applied.
        conditionFailed: () => 'changed' as const,
      });
      outcomes.push(
        written === 'committed'
          ? statusOutcome(change)
          : { row: change.patent.row, outcome: 'changed-concurrently' },
      );
    });
    for (const patent of created) outcomes.push({ row: patent.row, outcome: 'created' });
    // Another upload created one of them a moment ago: read and classify them again.
    if (again.length)
      outcomes.push(
        ...(depth < 3
          ? await writeBatch(again, owner, actor, jobId, depth + 1)
          : again.map((p) => ({ row: p.row, outcome: 'changed-concurrently' as const }))),
      );
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
