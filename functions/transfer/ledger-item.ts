/** The stored item of a deal's ledger (money-store.ts lists the items), shared by both stores: transfer-store.ts (created with the deal) and money-store.ts. */
import type { TransactItem } from '../pipeline/transitions.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { type Ledger, nextReminderDate } from './obligations.ts';

/**
 * The ledger Put, conditioned on the version it was read at (`ledger.version`; 0: not stored yet, so
 * on its absence), stored as the next version with its due-date index entry.
 */
export function ledgerPut(tableName: string, ledger: Ledger): TransactItem {
  const readVersion = ledger.version;
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
