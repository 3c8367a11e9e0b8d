/** The shared middy chain through real handlers, with the DynamoDB client mocked (aws-sdk-client-mock). */
import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as getInstitution } from '../../functions/institutions/get-institution.handler.ts';
import { handler as listInstitutions } from '../../functions/institutions/list-institutions.handler.ts';
import { handler as registerInstitution } from '../../functions/institutions/register-institution.handler.ts';
import { apiEvent } from '../support/api-event.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const admin = { sub: 'admin-1', 'cognito:groups': '[national-admin]', email: 'a@example.org' };
const body = { uscc: '12100000400000624D', name: '示范大学', provinceCode: '110000', kind: 'university' };
const parse = (result: unknown) => JSON.parse((result as { body: string }).body);

beforeEach(() => ddb.reset());

describe('POST /v1/institutions', () => {
  it('writes the institution and its audit entry in one transaction and answers 201', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const result = await registerInstitution(
      apiEvent({ method: 'POST', path: '/v1/institutions', body, claims: admin }),
      lambdaContext(),
    );
    expect(result).toMatchObject({
      statusCode: 201,
      headers: { location: '/v1/institutions/12100000400000624D' },
    });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const input = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input;
    expect(input.TransactItems).toHaveLength(2);
    expect(input.TransactItems![0]!.Put).toMatchObject({
      TableName: 'unit-core',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'INST#12100000400000624D', sk: 'PROFILE', gsi2pk: 'PROV#110000#INST' },
    });
    expect(input.TransactItems![1]!.Put!.Item).toMatchObject({
      pk: 'INST#12100000400000624D',
      entity: 'audit',
      action: 'institution.registered',
      actor: 'admin-1',
    });
  });

  it('maps a lost race (condition failed) to 409', async () => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    const result = await registerInstitution(
      apiEvent({ method: 'POST', path: '/v1/institutions', body, claims: admin }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 409 });
    expect(parse(result).error.code).toBe('CONFLICT');
  });

  it('maps throttling that outlasted the retries to 503 BUSY_RETRY_LATER (send again), not 500', async () => {
    ddb
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    const result = await getInstitution(
      apiEvent({
        method: 'GET',
        path: '/v1/institutions/12100000400000624D',
        routeKey: 'GET /v1/institutions/{uscc}',
        pathParameters: { uscc: '12100000400000624D' },
        claims: admin,
      }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 503 });
    expect(parse(result).error).toMatchObject({
      code: 'BUSY_RETRY_LATER',
      message: expect.stringContaining('send the same request again'),
    });
  });

  it('403 for a role the route does not allow, before anything is read or written', async () => {
    const result = await registerInstitution(
      apiEvent({
        method: 'POST',
        path: '/v1/institutions',
        body,
        claims: { sub: 'e', 'cognito:groups': '[enterprise]' },
      }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 403 });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('401 when no claims reached the function', async () => {
    const result = await registerInstitution(
      apiEvent({ method: 'POST', path: '/v1/institutions', body }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 401 });
  });

  it('500 with a request id and no internals when DynamoDB fails unexpectedly', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('socket hang up'));
    const result = await registerInstitution(
      apiEvent({ method: 'POST', path: '/v1/institutions', body, claims: admin }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 500 });
    const error = parse(result).error;
    expect(error.message).toContain('c6af9ac6-7b61-11e6-9a41-93e812345678');
    expect(error.message).not.toContain('socket');
  });
});

describe('GET /v1/institutions and /v1/institutions/{uscc}', () => {
  it('lists through gsi2 with the page size and returns an opaque cursor', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'INST#1',
          sk: 'PROFILE',
          gsi2pk: 'PROV#110000#INST',
          gsi2sk: '1',
          uscc: '1',
          name: 'n',
          provinceCode: '110000',
          provinceName: '北京市',
          kind: 'university',
          usccChecksumValid: false,
          createdAt: '2026-11-25T00:00:00.000Z',
          createdBy: 'admin',
          updatedAt: '2026-11-25T00:00:00.000Z',
          version: 1,
        },
      ],
      LastEvaluatedKey: { pk: 'INST#1', sk: 'PROFILE', gsi2pk: 'PROV#110000#INST', gsi2sk: '1' },
    });
    const result = await listInstitutions(
      apiEvent({
        method: 'GET',
        path: '/v1/institutions',
        query: { province: '110000', limit: '1' },
        claims: admin,
      }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 200 });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi2',
      Limit: 1,
      ExpressionAttributeValues: { ':pk': 'PROV#110000#INST' },
    });
    const page = parse(result);
    expect(page.items).toEqual([expect.objectContaining({ uscc: '1', name: 'n' })]);
    // Keys and index keys of the stored item never leave.
    expect(Object.keys(page.items[0]).filter((k) => /^(pk|sk|gsi)/.test(k))).toEqual([]);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('rejects limit over 100 with a 400 naming the query field', async () => {
    const result = await listInstitutions(
      apiEvent({
        method: 'GET',
        path: '/v1/institutions',
        query: { province: '110000', limit: '500' },
        claims: admin,
      }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 400 });
    expect(parse(result).error.details).toEqual([expect.objectContaining({ in: 'query', field: 'limit' })]);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('404 for an institution user asking for another institution', async () => {
    ddb.on(GetCommand).resolves({
      Item: { pk: 'INST#X', sk: 'PROFILE', uscc: '12100000400000624D', provinceCode: '110000' },
    });
    const result = await getInstitution(
      apiEvent({
        method: 'GET',
        path: '/v1/institutions/12100000400000624D',
        routeKey: 'GET /v1/institutions/{uscc}',
        pathParameters: { uscc: '12100000400000624D' },
        claims: { sub: 'i', 'cognito:groups': '[institution]', 'custom:uscc': '121100004000018521' },
      }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 404 });
  });
});
