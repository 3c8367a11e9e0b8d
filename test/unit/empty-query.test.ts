/**
 * A request without any query string on a route whose query has a required parameter: API Gateway
 * leaves queryStringParameters out, so the schema never saw the missing parameter and the defaults
 * were parsed with a throwing parse (500). Found by the fuzz suite (GET /v1/monitoring/spot-checks).
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as listSpotChecks } from '../../functions/monitoring/list-spot-checks.handler.ts';
import { apiEvent } from '../support/api-event.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
const national = { sub: 'admin-1', 'cognito:groups': '[national-admin]' };
const call = (query?: Record<string, string>) =>
  listSpotChecks(
    apiEvent({ method: 'GET', path: '/v1/monitoring/spot-checks', query, claims: national }),
    lambdaContext(),
  ) as Promise<{ statusCode: number; body: string }>;

describe('GET /v1/monitoring/spot-checks without a query string', () => {
  it('answers 400 naming the required quarter, and reads nothing', async () => {
    const result = await call();
    expect(result.statusCode).toBe(400);
    const { error } = JSON.parse(result.body);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('query quarter');
    expect(error.details).toEqual([expect.objectContaining({ in: 'query', field: 'quarter' })]);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 0);
  });

  it('with the quarter and province it reaches the store (the defaults still apply: limit 25)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const result = await call({ quarter: '2025Q4', province: '110000' });
    expect(result.statusCode, result.body).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { Limit: 25 });
  });
});
