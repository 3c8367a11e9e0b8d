/** A cancelled DynamoDB transaction as the SDK throws it: one reason code per item, in item order. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

export const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code, Message: `${Code} (test)` })),
  });
