/**
 * GET /v1/patents refuses what it does not understand (issue 15): `?q=电池` was ignored and answered an
 * unrelated page (a liver-cancer drug) as if it had searched. The listing is a filtered walk; text
 * search is GET /v1/search/patents, and the 400 says so.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as listPatents } from '../../functions/patents/list-patents.handler.ts';
import { patentListQuerySchema } from '../../schemas/patent.ts';
import { apiEvent } from '../support/api-event.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  ddb.reset();
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand).resolves({});
});
const enterprise = { sub: 'ent-1', 'cognito:groups': '[enterprise]', 'custom:uscc': '91110000802100433B' };
const call = (query?: Record<string, string>) =>
  listPatents(
    apiEvent({ method: 'GET', path: '/v1/patents', query, claims: enterprise }),
    lambdaContext(),
  ) as Promise<{ statusCode: number; body: string }>;

describe('GET /v1/patents?q=', () => {
  it('answers 400 pointing to GET /v1/search/patents, and reads nothing', async () => {
    const result = await call({ q: '电池', province: '410000' });
    expect(result.statusCode).toBe(400);
    const { error } = JSON.parse(result.body);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([
      expect.objectContaining({
        in: 'query',
        field: 'q',
        message: expect.stringContaining('GET /v1/search/patents?q='),
      }),
    ]);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 0);
  });

  it('refuses any other unknown parameter too, naming it and the parameters it takes', async () => {
    const result = await call({ keyword: '电池', sort: 'title' });
    expect(result.statusCode).toBe(400);
    const { error } = JSON.parse(result.body);
    expect(error.details).toEqual([
      expect.objectContaining({
        in: 'query',
        field: 'keyword,sort',
        message: expect.stringContaining('industry'),
      }),
    ]);
    expect(error.message).toContain('query keyword,sort');
  });

  it('still answers the declared filters', async () => {
    const result = await call({ province: '410000', industry: '38', limit: '5' });
    expect(result.statusCode, result.body).toBe(200);
  });

  it('the OpenAPI query declares no additional parameters', () => {
    expect(patentListQuerySchema.safeParse({ q: 'x' }).success).toBe(false);
    expect(patentListQuerySchema.safeParse({}).success).toBe(true);
  });
});
