/** A cancelled DynamoDB transaction as the SDK throws it: one reason code per item, in item order. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

export const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code, Message: `${Code} (test)` })),
  });

/**
 * DynamoDB's answers to a transaction whose first attempt was applied but answered with a lost
 * answer, and whose re-send (the SDK's retry, same ClientRequestToken) met a TransactionConflict: the
 * first call applies the items and throws that conflict; a later call with the same token is
 * answered as committed (DynamoDB's idempotency for 10 minutes), one with another token meets the
 * items it wrote itself (`ConditionalCheckFailed` on the conditioned ones).
 */
export function lostThenConflicted() {
  const applied = new Set<string>();
  const tokens: Array<string | undefined> = [];
  const fake = async (input: {
    ClientRequestToken?: string;
    TransactItems?: Array<Record<string, { ConditionExpression?: string } | undefined>>;
  }) => {
    const items = input.TransactItems ?? [];
    tokens.push(input.ClientRequestToken);
    if (tokens.length === 1) {
      if (input.ClientRequestToken) applied.add(input.ClientRequestToken);
      throw cancelled(...items.map((_, i) => (i === 0 ? 'TransactionConflict' : 'None')));
    }
    if (input.ClientRequestToken && applied.has(input.ClientRequestToken)) return {};
    throw cancelled(
      ...items.map((item) =>
        Object.values(item).some((op) => op?.ConditionExpression) ? 'ConditionalCheckFailed' : 'None',
      ),
    );
  };
  return { fake, tokens };
}
