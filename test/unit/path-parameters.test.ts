/**
 * Path parameters arrive percent-decoded (API Gateway's HTTP API, and the local API the same way):
 * a handler must not decode them again, and the local API answers 400 for a segment that is not
 * valid percent-encoded UTF-8 instead of failing with 500. Both were found by the fuzz suite
 * (test/integration/fuzz.test.ts).
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as retryFailure } from '../../functions/pipeline/retry-failure.handler.ts';
import { decodePathParameters } from '../../infra/local/api-gateway.ts';
import { apiEvent } from '../support/api-event.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

describe('POST /v1/pipeline/failures/{eventId}/retry takes the id as API Gateway decoded it', () => {
  const retry = (eventId: string) =>
    retryFailure(
      apiEvent({
        method: 'POST',
        path: `/v1/pipeline/failures/${encodeURIComponent(eventId)}/retry`,
        routeKey: 'POST /v1/pipeline/failures/{eventId}/retry',
        pathParameters: { eventId },
        claims: { sub: 'admin-1', 'cognito:groups': '[national-admin]' },
      }),
      lambdaContext(),
    ) as Promise<{ statusCode: number; body: string }>;

  it('an id with a "%" is looked up as it is (404 when absent), not decoded again into a 500', async () => {
    ddb.on(GetCommand).resolves({});
    const result = await retry('100%');
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body).error.message).toContain('GET /v1/pipeline/failures');
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'PIPELINE-FAILURE#100%', sk: 'FAILURE' },
    });
  });

  it('an id with "%23" in it stays "%23" (the client encoded "%2523"): no second decoding into "#"', async () => {
    ddb.on(GetCommand).resolves({});
    await retry('inventoried:%23:3');
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'PIPELINE-FAILURE#inventoried:%23:3', sk: 'FAILURE' },
    });
  });
});

describe('the local API decodes path parameters once, and refuses undecodable ones', () => {
  it('decodes percent-encoded UTF-8', () => {
    expect(decodePathParameters(['id', 'n'], ['a%23b', '%E4%B8%AD%2F..'])).toEqual({ id: 'a#b', n: '中/..' });
  });

  it.each(['%', '%ZZ', 'a%2', '%C0%AE', '%ED%A0%80', '%FF'])(
    'refuses %s (the API answers 400)',
    (segment) => {
      expect(decodePathParameters(['id'], [segment])).toBeUndefined();
    },
  );
});
