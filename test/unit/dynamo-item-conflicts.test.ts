/**
 * A single-item write that meets a transaction (TransactionConflictException) is sent again by the SDK
 * (functions/shared/dynamo/item-conflicts.ts), as throttling is; the API answers what outlasts the
 * retries as the retryable 503, never a 500 (functions/shared/dynamo/throttling.ts).
 */
import { Readable } from 'node:stream';
import {
  DynamoDBClient,
  InternalServerError,
  PutItemCommand,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { retryItemConflicts } from '../../functions/shared/dynamo/item-conflicts.ts';
import { isTransientServiceError } from '../../functions/shared/dynamo/throttling.ts';

/** A DynamoDB endpoint that answers with `answers` in turn (then 200 {}), counting the requests. */
function endpoint(answers: Array<{ status: number; type: string }>) {
  let requests = 0;
  const handler = {
    handle: async () => {
      const answer = answers[requests++];
      const body = answer
        ? JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${answer.type}`, message: answer.type })
        : '{}';
      return {
        // An HttpResponse's shape (what the SDK's Node handler answers).
        response: {
          statusCode: answer?.status ?? 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Readable.from([Buffer.from(body)]),
        },
      };
    },
  };
  return { handler, requests: () => requests };
}

const conflict = { status: 400, type: 'TransactionConflictException' };
const clientWith = (requestHandler: unknown, maxAttempts = 3) =>
  new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: requestHandler as never,
    maxAttempts,
    // No waiting between the attempts in a unit test.
    retryStrategy: undefined,
  });

describe('retryItemConflicts', () => {
  it('without it, the SDK does not send a conflicted PutItem again (the defect the conflict faults found)', async () => {
    const dynamo = endpoint([conflict]);
    const error = await clientWith(dynamo.handler)
      .send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionConflictException);
    expect(dynamo.requests()).toBe(1);
  });

  it('with it, the SDK sends the write again and it succeeds; through the document client too', async () => {
    const dynamo = endpoint([conflict, conflict]);
    const client = retryItemConflicts(clientWith(dynamo.handler));
    const documents = DynamoDBDocumentClient.from(client);
    const answer = await documents.send(
      new UpdateCommand({
        TableName: 't',
        Key: { pk: 'a' },
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': 1 },
      }),
    );
    expect(answer.$metadata.attempts).toBe(3);
    expect(dynamo.requests()).toBe(3);
  }, 20_000);

  it('a conflict that outlasts the attempts is surfaced as itself; other client errors are not retried', async () => {
    const dynamo = endpoint([conflict, conflict, conflict, conflict]);
    const client = retryItemConflicts(clientWith(dynamo.handler, 2));
    const error = await client
      .send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionConflictException);
    expect(dynamo.requests()).toBe(2);
    expect(isTransientServiceError(error)).toBe(true);
    const refused = endpoint([{ status: 400, type: 'ConditionalCheckFailedException' }]);
    await expect(
      retryItemConflicts(clientWith(refused.handler)).send(
        new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } }),
      ),
    ).rejects.toThrow();
    expect(refused.requests()).toBe(1);
  }, 20_000);

  it('transient service errors (answered 503 by the API) vs defects (500)', () => {
    expect(
      isTransientServiceError(new InternalServerError({ message: 'x', $metadata: { httpStatusCode: 500 } })),
    ).toBe(true);
    expect(isTransientServiceError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(isTransientServiceError(new TypeError('undefined is not a function'))).toBe(false);
    expect(isTransientServiceError(Object.assign(new Error('bad'), { $fault: 'client' }))).toBe(false);
  });
});
