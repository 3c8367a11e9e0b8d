import {
  CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  adminDirectory,
  cognitoAdminUsers,
  configuredAdminUsers,
  devUsersFromEnv,
  dynamoReportOptOuts,
  localAdminUsers,
  registeredAdminProfile,
  registeredAdminUsers,
} from '../../functions/shared/directory.ts';
import { devUsers } from '../../infra/local/dev-users.ts';

const cognito = mockClient(CognitoIdentityProviderClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
const ddb = mockClient(documents);

const user = (sub: string, attributes: Record<string, string>, enabled = true) => ({
  Username: sub,
  Enabled: enabled,
  Attributes: [
    { Name: 'sub', Value: sub },
    ...Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
  ],
});

beforeEach(() => {
  cognito.reset();
  ddb.reset();
});

describe('Cognito admin users', () => {
  it('lists both admin groups across pages, with email, name and province; disabled users left out', async () => {
    cognito
      .on(ListUsersInGroupCommand, { GroupName: 'national-admin' })
      .resolves({ Users: [user('n1', { email: 'n1@example.org', name: 'N One' })] });
    cognito
      .on(ListUsersInGroupCommand, { GroupName: 'province-admin', NextToken: undefined })
      .resolves({
        Users: [user('p1', { email: 'p1@example.org', 'custom:province': '110000' })],
        NextToken: 'page2',
      })
      .on(ListUsersInGroupCommand, { GroupName: 'province-admin', NextToken: 'page2' })
      .resolves({
        Users: [user('p2', { 'custom:province': '310000' }), user('p3', { email: 'x@example.org' }, false)],
      });
    // Ministry admins (issue 14): their ministry from custom:ministry.
    cognito
      .on(ListUsersInGroupCommand, { GroupName: 'ministry-admin' })
      .resolves({ Users: [user('m1', { email: 'm1@example.org', 'custom:ministry': '教育部' })] });
    const users = await cognitoAdminUsers(
      new CognitoIdentityProviderClient({}),
      'cn-north-1_pool',
    ).listAdminUsers();
    const none = { name: undefined, provinceCode: undefined, ministry: undefined };
    expect(users).toEqual([
      { ...none, sub: 'n1', role: 'national-admin', email: 'n1@example.org', name: 'N One' },
      { ...none, sub: 'p1', role: 'province-admin', email: 'p1@example.org', provinceCode: '110000' },
      { ...none, sub: 'p2', role: 'province-admin', email: undefined, provinceCode: '310000' },
      { ...none, sub: 'm1', role: 'ministry-admin', email: 'm1@example.org', ministry: '教育部' },
    ]);
    expect(cognito.commandCalls(ListUsersInGroupCommand)).toHaveLength(4);
    for (const call of cognito.commandCalls(ListUsersInGroupCommand))
      expect(call.args[0].input.UserPoolId).toBe('cn-north-1_pool');
  });
});

describe('admin directory', () => {
  it('merges the opt-out flags from the core table and filters by province', async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: { core: [{ pk: 'ADMIN#dev-admin-110000', reportsOptOut: true }] },
    });
    const directory = adminDirectory(localAdminUsers(devUsers), dynamoReportOptOuts(documents, 'core'));
    const all = await directory.listAdmins();
    expect(all.map((a) => a.sub)).toEqual(devUsers.map((u) => u.sub));
    expect(all.find((a) => a.sub === 'dev-admin-110000')?.reportsOptOut).toBe(true);
    expect(all.find((a) => a.sub === 'dev-national-admin')?.reportsOptOut).toBe(false);

    const guangdong = await directory.listAdmins({ provinceCode: '440000' });
    expect(guangdong.map((a) => a.sub)).toEqual(['dev-admin-440000', 'dev-admin-440000-noemail']);
    expect(guangdong[1]!.email).toBeUndefined();
    const keys = ddb.commandCalls(BatchGetCommand)[1]!.args[0].input.RequestItems!.core!.Keys;
    expect(keys).toEqual([
      { pk: 'ADMIN#dev-admin-440000', sk: 'REPORT_PREFERENCES' },
      { pk: 'ADMIN#dev-admin-440000-noemail', sk: 'REPORT_PREFERENCES' },
    ]);
  });

  it('retries unprocessed keys of the opt-out read', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { core: [] },
        UnprocessedKeys: { core: { Keys: [{ pk: 'ADMIN#a', sk: 'REPORT_PREFERENCES' }] } },
      })
      .resolves({ Responses: { core: [{ pk: 'ADMIN#a', reportsOptOut: true }] } });
    const out = await dynamoReportOptOuts(documents, 'core').optedOut(['a', 'b']);
    expect([...out]).toEqual(['a']);
  });

  it('configured source: Cognito with USER_POOL_ID, the dev users with DEV_USERS, else a clear error', async () => {
    cognito.on(ListUsersInGroupCommand).resolves({ Users: [] });
    await expect((await configuredAdminUsers({ USER_POOL_ID: 'pool' })).listAdminUsers()).resolves.toEqual(
      [],
    );
    expect(cognito.commandCalls(ListUsersInGroupCommand)).toHaveLength(3);
    const local = await configuredAdminUsers({ DEV_USERS: JSON.stringify(devUsers) });
    expect((await local.listAdminUsers()).length).toBe(devUsers.length);
    expect(devUsersFromEnv({})).toBeUndefined();
    await expect(configuredAdminUsers({})).rejects.toThrow(/readsUserDirectory/);
  });
});

describe('registered admin users (identity=oidc: no directory API)', () => {
  it('an admin registering preferences is given a profile in gsi1 ADMINS; others are not', () => {
    expect(
      registeredAdminProfile({
        sub: 's-1',
        roles: ['province-admin'],
        email: 'p@example.cn',
        name: '省管理员',
        provinceCode: '110000',
      }),
    ).toEqual({
      gsi1pk: 'ADMINS',
      gsi1sk: 's-1',
      role: 'province-admin',
      email: 'p@example.cn',
      name: '省管理员',
      provinceCode: '110000',
    });
    expect(registeredAdminProfile({ sub: 'e', roles: ['enterprise'] })).toEqual({});
  });

  it('lists the registered admins across pages', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ sub: 'n-1', role: 'national-admin', email: 'n@example.cn' }],
        LastEvaluatedKey: { pk: 'x' },
      })
      .resolvesOnce({ Items: [{ sub: 'p-1', role: 'province-admin', provinceCode: '310000' }] });
    await expect(registeredAdminUsers(documents, 'core').listAdminUsers()).resolves.toEqual([
      { sub: 'n-1', role: 'national-admin', email: 'n@example.cn', name: undefined, provinceCode: undefined },
      { sub: 'p-1', role: 'province-admin', email: undefined, name: undefined, provinceCode: '310000' },
    ]);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      IndexName: 'gsi1',
      ExpressionAttributeValues: { ':pk': 'ADMINS' },
    });
  });
});
