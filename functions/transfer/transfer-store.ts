/**
 * DynamoDB adapter of TransferStore (see ports.ts for the items and keys). The use-cases decide; this
 * store alone builds the items, keys, conditions and transactions of their writes, and tells what a
 * cancelled transaction means in their words.
 */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Deal } from '../../schemas/deal.ts';
import type { OpenLicense } from '../../schemas/open-license.ts';
import type { Product } from '../../schemas/product.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import { type TransactItem, transitionCause, transitionWrites } from '../pipeline/transitions.ts';
import { type AuditActor, auditItem } from '../shared/audit.ts';
import { batchGetAll } from '../shared/dynamo/batch.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact } from '../shared/dynamo/transact.ts';
import { ConflictError } from '../shared/errors.ts';
import { ledgerPut } from './ledger-item.ts';
import { enterpriseParty, institutionParty } from './party-items.ts';
import type {
  DealLink,
  PatentChange,
  StoredDeal,
  SweepNotice,
  TransferPatent,
  TransferStore,
} from './ports.ts';

/** Which items of a transaction tell what when it is cancelled. */
interface TransactionShape {
  /** Items whose condition failing means "this was recorded before" (the deal / product Put). */
  recordIndexes: number[];
  markerIndexes: number[];
  patentIndexes: number[];
}

/**
 * The public listing entry of an active open license (one partition of gsi2, `OPENLIC`, sorted by
 * province and declaration time): written with the declaration, deleted with the withdrawal.
 */
function openLicenseListingItem(openLicense: OpenLicense, provinceCode: string) {
  return {
    ...keys.openLicenseListing(openLicense.applicationNumber),
    entity: 'open-license-listing',
    ...openLicense,
    provinceCode,
    gsi2pk: indexes.openLicenses,
    gsi2sk: `${provinceCode}#${openLicense.declaredAt}#${openLicense.applicationNumber}`,
  };
}

export function dynamoTransferStore(documents: DynamoDBDocumentClient, tableName: string): TransferStore {
  /** Appends the transition writes of each patent (4 items each), noting its version and marker items. */
  function withTransitions(
    items: TransactItem[],
    patents: PatentChange[],
    at: string,
    shape: TransactionShape,
  ) {
    for (const { patent, transition } of patents) {
      shape.patentIndexes.push(items.length);
      shape.markerIndexes.push(items.length + 3);
      items.push(...transitionWrites(tableName, patent, transition, at));
    }
    return items;
  }
  /**
   * Runs one transaction: 'committed', or 'duplicate' when a record or marker condition failed (it was
   * recorded before); a version conflict throws ConflictError (try again).
   */
  async function run(items: TransactItem[], shape: TransactionShape) {
    const outcome = await transact(documents, items, {
      what: 'the deal record and its patents',
      conditionFailed: (failed) =>
        transitionCause(failed, [...shape.recordIndexes, ...shape.markerIndexes], shape.patentIndexes) ??
        'record-changed',
    });
    if (outcome === 'committed' || outcome === 'duplicate') return outcome;
    throw new ConflictError(
      outcome === 'conflict'
        ? 'A patent of this request was changed at the same moment by someone else: read it again and retry the request.'
        : 'The record changed since it was read (for example a filing recorded or a deal flagged at the same time): read it again and retry.',
    );
  }
  const recorded =
    <Done extends string>(done: Done) =>
    (outcome: 'committed' | 'duplicate') =>
      outcome === 'committed' ? done : ('duplicate' as const);
  const noShape = (): TransactionShape => ({ recordIndexes: [], markerIndexes: [], patentIndexes: [] });
  const auditPut = (entry: Parameters<typeof auditItem>[0]): TransactItem => ({
    Put: { TableName: tableName, Item: auditItem(entry) },
  });
  /**
   * A write of the deadline sweep: the deal's conditioned update, its audit entry (the sweep's actor)
   * and the notice's mail; 'changed' when the condition failed (filed or flagged meanwhile).
   */
  async function sweepWrite<Done extends string>(
    done: Done,
    { deal, at, notice }: { deal: Deal; at: string; notice: SweepNotice },
    update: { expression: string; condition: string; values: Record<string, unknown> },
    audit: { action: string; before: object; after: object; context: Record<string, unknown> },
  ) {
    const items: TransactItem[] = [
      {
        Update: {
          TableName: tableName,
          Key: keys.deal(deal.dealId),
          UpdateExpression: update.expression,
          ConditionExpression: update.condition,
          ExpressionAttributeValues: update.values,
        },
      },
      auditPut({ kind: 'updated', pk: keys.deal(deal.dealId).pk, caller: notice.actor, at, ...audit }),
    ];
    if (notice.mail)
      items.push({
        Put: { TableName: tableName, Item: mailOutboxItem(newMailItem(notice.mail, notice.now)) },
      });
    const outcome = await transact(documents, items, {
      what: 'the deal record and its patents',
      conditionFailed: () => 'changed' as const,
    });
    return outcome === 'committed' ? done : outcome;
  }

  /** The items of a new deal: the deal, its party link, its audit entry. */
  function dealItems(deal: StoredDeal, actor: AuditActor): TransactItem[] {
    const { pk, sk } = keys.deal(deal.dealId);
    const sortKey = `${deal.createdAt}#${deal.dealId}`;
    return [
      {
        Put: {
          TableName: tableName,
          Item: {
            pk,
            sk,
            entity: 'deal',
            ...deal,
            gsi1pk: indexes.institutionDeals(deal.institutionUscc),
            gsi1sk: sortKey,
            gsi2pk: indexes.provinceDeals(deal.provinceCode),
            gsi2sk: sortKey,
            gsi3pk: indexes.dueFiling,
            gsi3sk: `${deal.filingDueDate ?? deal.registrationReminderOn}#${deal.dealId}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: {
            pk,
            sk: keys.dealPartySk(deal.enterprise.uscc),
            entity: 'deal-party',
            dealId: deal.dealId,
            kind: deal.kind,
            applicationNumbers: deal.applicationNumbers,
            gsi1pk: indexes.enterpriseDeals(deal.enterprise.uscc),
            gsi1sk: sortKey,
          },
        },
      },
      auditPut({
        kind: 'created',
        pk,
        action: 'deal.recorded',
        caller: actor,
        at: deal.createdAt,
        after: deal,
        version: deal.version,
      }),
    ];
  }

  const batchGet = (keys: Array<Record<string, string>>) =>
    batchGetAll(documents, tableName, keys, { consistentRead: true });
  async function get(key: Record<string, string>) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }
  async function query(input: {
    index: string;
    pk: string;
    limit: number;
    start?: Record<string, unknown>;
    filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  }) {
    const response = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: input.index,
        KeyConditionExpression: `${input.index}pk = :pk`,
        ExpressionAttributeValues: { ':pk': input.pk, ...(input.filter?.values ?? {}) },
        ...(input.filter
          ? { FilterExpression: input.filter.expression, ExpressionAttributeNames: input.filter.names }
          : {}),
        ScanIndexForward: false,
        Limit: input.limit,
        ExclusiveStartKey: input.start,
      }),
    );
    return { items: response.Items ?? [], lastKey: response.LastEvaluatedKey };
  }

  return {
    async patents(numbers) {
      const items = await batchGet(numbers.map(keys.patent));
      return new Map(
        items.map((item) => [item.applicationNumber as string, item as unknown as TransferPatent]),
      );
    },
    async institution(uscc) {
      const item = await get(keys.institution(uscc));
      return item ? institutionParty(uscc, item) : undefined;
    },
    async enterprise(uscc) {
      const item = await get(keys.enterprise(uscc));
      return item ? enterpriseParty(uscc, item) : undefined;
    },
    async deal(dealId) {
      const item = await get(keys.deal(dealId));
      return item ? stripStorage<Deal>(item) : undefined;
    },
    async deals(ids) {
      const items = await batchGet(ids.map(keys.deal));
      const byId = new Map(items.map((item) => [item.dealId as string, stripStorage<Deal>(item)]));
      return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    },
    async listDeals(listing, filter, limit, start) {
      const conditions: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      if (filter.kind) {
        conditions.push('#kind = :kind');
        names['#kind'] = 'kind';
        values[':kind'] = filter.kind;
      }
      if (filter.filingStatus) {
        conditions.push('filingStatus = :filingStatus');
        values[':filingStatus'] = filter.filingStatus;
      }
      const filterExpression = conditions.length
        ? { expression: conditions.join(' AND '), names, values }
        : undefined;
      if (listing.by === 'enterprise') {
        const page = await query({ index: 'gsi1', pk: indexes.enterpriseDeals(listing.uscc), limit, start });
        let items = await this.deals(page.items.map((link) => link.dealId as string));
        if (filter.kind) items = items.filter((deal) => deal.kind === filter.kind);
        if (filter.filingStatus) items = items.filter((deal) => deal.filingStatus === filter.filingStatus);
        return { items, lastKey: page.lastKey };
      }
      const page = await query({
        index: listing.by === 'institution' ? 'gsi1' : 'gsi2',
        pk:
          listing.by === 'institution'
            ? indexes.institutionDeals(listing.uscc)
            : indexes.provinceDeals(listing.code),
        limit,
        start,
        filter: filterExpression,
      });
      return { items: page.items.map((item) => stripStorage<Deal>(item)), lastKey: page.lastKey };
    },
    async enterpriseLinks(uscc) {
      const links: DealLink[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await query({ index: 'gsi1', pk: indexes.enterpriseDeals(uscc), limit: 500, start });
        for (const item of page.items) {
          links.push({
            dealId: item.dealId as string,
            kind: item.kind as DealLink['kind'],
            applicationNumbers: item.applicationNumbers as string[],
          });
        }
        start = page.lastKey;
      } while (start);
      return links;
    },
    async product(productId) {
      const item = await get(keys.product(productId));
      return item ? stripStorage<Product>(item) : undefined;
    },
    async listProducts(listing, limit, start) {
      const page = await query({
        index: listing.by === 'enterprise' ? 'gsi1' : 'gsi2',
        pk:
          listing.by === 'enterprise'
            ? indexes.enterpriseProducts(listing.uscc)
            : indexes.provinceProducts(listing.code),
        limit,
        start,
      });
      return { items: page.items.map((item) => stripStorage<Product>(item)), lastKey: page.lastKey };
    },
    async listOpenLicenses(provinceCode, limit, start) {
      const response = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: provinceCode
            ? 'gsi2pk = :pk AND begins_with(gsi2sk, :province)'
            : 'gsi2pk = :pk',
          ExpressionAttributeValues: {
            ':pk': indexes.openLicenses,
            ...(provinceCode ? { ':province': `${provinceCode}#` } : {}),
          },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      return {
        items: (response.Items ?? []).map((item) => stripStorage(item)),
        lastKey: response.LastEvaluatedKey,
      };
    },
    async dueFilings(beforeDate, limit) {
      const response = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
          ExpressionAttributeValues: { ':pk': indexes.dueFiling, ':before': beforeDate },
          Limit: limit,
        }),
      );
      // The index is eventually consistent: read each deal again before acting on it.
      return this.deals((response.Items ?? []).map((item) => item.dealId as string));
    },
    async recordDeal({ deal, patents, actor, ledger }) {
      const shape = { ...noShape(), recordIndexes: [0] };
      const items = withTransitions(dealItems(deal, actor), patents, deal.createdAt, shape);
      // After the deal: its obligations, stored with it so that the deadline sweep finds them (money.ts).
      if (ledger) items.push(ledgerPut(tableName, ledger));
      return recorded('recorded')(await run(items, shape));
    },
    async recordFiling({ deal, filing, patents, actor, at }) {
      const { pk, sk } = keys.deal(deal.dealId);
      const items: TransactItem[] = [
        {
          Update: {
            TableName: tableName,
            Key: { pk, sk },
            UpdateExpression:
              'SET filing = :filing, filingStatus = :filed, version = :next, updatedAt = :at REMOVE gsi3pk, gsi3sk',
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: {
              ':filing': filing,
              ':filed': 'filed',
              ':next': deal.version + 1,
              ':version': deal.version,
              ':at': at,
            },
          },
        },
        auditPut({
          kind: 'updated',
          pk,
          action: 'deal.filed',
          caller: actor,
          at,
          // The deal as read: the update is conditioned on its version.
          before: deal,
          after: { filing, filingStatus: 'filed' },
          version: deal.version + 1,
        }),
      ];
      const shape = noShape();
      return recorded('recorded')(await run(withTransitions(items, patents, at, shape), shape));
    },
    async declareOpenLicense({ patent, openLicense, provinceCode, at }) {
      const shape = noShape();
      const items = withTransitions([], [patent], at, shape);
      items.push({ Put: { TableName: tableName, Item: openLicenseListingItem(openLicense, provinceCode) } });
      return recorded('declared')(await run(items, shape));
    },
    async changePatent({ patent, at }) {
      const shape = noShape();
      return recorded('changed')(await run(withTransitions([], [patent], at, shape), shape));
    },
    async withdrawOpenLicense({ patent, at }) {
      const shape = noShape();
      const items = withTransitions([], [patent], at, shape);
      items.push({
        Delete: { TableName: tableName, Key: keys.openLicenseListing(patent.patent.applicationNumber) },
      });
      return recorded('withdrawn')(await run(items, shape));
    },
    async recordProduct({ product, patents, actor }) {
      const { pk, sk } = keys.product(product.productId);
      const sortKey = `${product.createdAt}#${product.productId}`;
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: {
              pk,
              sk,
              entity: 'product',
              ...product,
              gsi1pk: indexes.enterpriseProducts(product.enterpriseUscc),
              gsi1sk: sortKey,
              gsi2pk: indexes.provinceProducts(product.provinceCode),
              gsi2sk: sortKey,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        auditPut({
          kind: 'created',
          pk,
          action: 'product.filed',
          caller: actor,
          at: product.createdAt,
          after: product,
        }),
      ];
      const shape = { ...noShape(), recordIndexes: [0] };
      return recorded('recorded')(
        await run(withTransitions(items, patents, product.createdAt, shape), shape),
      );
    },
    async flagOverdueFiling(deal, at, notice) {
      return sweepWrite(
        'flagged',
        { deal, at, notice },
        {
          expression:
            'SET filingStatus = :overdue, overdueFlaggedAt = :at, gsi3pk = :flagged, version = version + :one, updatedAt = :at',
          condition: 'filingStatus = :pending',
          values: {
            ':overdue': 'overdue',
            ':pending': 'pending',
            ':at': at,
            ':flagged': indexes.overdueFiling,
            ':one': 1,
          },
        },
        {
          action: 'deal.filingOverdue',
          // What the condition fixes: the filing was pending (a pending filing was never flagged).
          before: { filingStatus: 'pending' },
          after: { filingStatus: 'overdue', overdueFlaggedAt: at },
          context: { dueDate: notice.dueOn, notified: notice.notified },
        },
      );
    },
    async remindRegistration(deal, at, notice) {
      // It stays pending and leaves the sweep's index.
      return sweepWrite(
        'reminded',
        { deal, at, notice },
        {
          expression:
            'SET registrationRemindedAt = :at, version = version + :one, updatedAt = :at REMOVE gsi3pk, gsi3sk',
          condition: 'filingStatus = :pending AND attribute_not_exists(registrationRemindedAt)',
          values: { ':pending': 'pending', ':at': at, ':one': 1 },
        },
        {
          action: 'deal.registrationReminded',
          before: {},
          after: { registrationRemindedAt: at },
          context: { reminderOn: notice.dueOn, notified: notice.notified },
        },
      );
    },
  };
}
