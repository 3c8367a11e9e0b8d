/** The stored item of a deal's ledger (money-store.ts lists the items), shared by deals.ts (created with the deal) and money.ts. */
import type { TransactItem } from '../pipeline/transitions.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { type Ledger, nextReminderDate } from './obligations.ts';

/** The ledger Put, conditioned on the version read (or on its absence), with its due-date index entry. */
export function ledgerPut(tableName: string, ledger: Ledger, readVersion: number): TransactItem {
  const next = nextReminderDate(ledger);
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.dealLedger(ledger.dealId),
        entity: 'deal-ledger',
        ...ledger,
        version: readVersion + 1,
        ...(next ? { gsi3pk: indexes.duePayment, gsi3sk: `${next}#${ledger.dealId}` } : {}),
      },
      ConditionExpression: readVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
      ...(readVersion === 0 ? {} : { ExpressionAttributeValues: { ':version': readVersion } }),
    },
  };
}
