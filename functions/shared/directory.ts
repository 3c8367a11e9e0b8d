/**
 * The administrator directory: who the province and national administrators are, their email and
 * province, and whether they opted out of the quarterly report emails.
 *
 * - In AWS the administrators are the members of the Cognito groups `province-admin` and
 *   `national-admin` of the user pool (ListUsersInGroup; attributes email, name, custom:province).
 *   The function learns the pool from `USER_POOL_ID` (declaration flag `readsUserDirectory`).
 * - With a generic OIDC issuer (deployment choice `identity=oidc`; AWS China has no Cognito user
 *   pools) there is no directory API: the administrators are those who registered their profile with
 *   `PUT /v1/admins/me/report-preferences` (email, name, role, province from their token), listed from
 *   the sparse index gsi1 = `ADMINS` of the core table (`USER_DIRECTORY=registered`).
 * - Locally they are the declared dev users (infra/local/dev-users.ts), handed to the functions as
 *   JSON in `DEV_USERS` by the local Lambda runtime.
 * - The opt-out flag is an item of the core table (`ADMIN#<sub>` / `REPORT_PREFERENCES`), written by
 *   `PUT /v1/admins/me/report-preferences` with its audit entry: the same in AWS and locally, no
 *   Cognito schema change (custom attributes can never be removed once added) and no
 *   AdminUpdateUserAttributes permission for the API.
 */
import type { CognitoIdentityProviderClient, UserType } from '@aws-sdk/client-cognito-identity-provider';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Caller } from '../../schemas/roles.ts';
import { batchGetAll } from './dynamo/batch.ts';
import { keys, prefixes } from './dynamo/keys.ts';

/** ministry-admin (issue 14): receives its ministry's quarterly report (custom:ministry). */
export const adminGroups = ['national-admin', 'province-admin', 'ministry-admin'] as const;
export type AdminGroup = (typeof adminGroups)[number];

export interface DirectoryUser {
  sub: string;
  email?: string;
  name?: string;
  role: AdminGroup;
  provinceCode?: string;
  /** ministry-admin: the supervising ministry it speaks for (custom:ministry). */
  ministry?: string;
}
export interface DirectoryAdmin extends DirectoryUser {
  reportsOptOut: boolean;
}

export interface AdminDirectory {
  /**
   * National, province and ministry admins; with provinceCode, the admins of that province only
   * (province-admin); with ministry, the admins of that ministry only (ministry-admin).
   */
  listAdmins(filter?: { provinceCode?: string; ministry?: string }): Promise<DirectoryAdmin[]>;
}

/** Where the admin accounts come from (Cognito or the dev user list). */
export interface AdminUserSource {
  listAdminUsers(): Promise<DirectoryUser[]>;
}

/** Which of these admins opted out of the report emails. */
export interface ReportOptOuts {
  optedOut(subs: string[]): Promise<Set<string>>;
}

export function adminDirectory(source: AdminUserSource, optOuts: ReportOptOuts): AdminDirectory {
  return {
    async listAdmins(filter = {}) {
      const users = (await source.listAdminUsers()).filter(
        (u) =>
          (filter.provinceCode === undefined ||
            (u.role === 'province-admin' && u.provinceCode === filter.provinceCode)) &&
          (filter.ministry === undefined || (u.role === 'ministry-admin' && u.ministry === filter.ministry)),
      );
      const out = await optOuts.optedOut([...new Set(users.map((u) => u.sub))]);
      return users.map((u) => ({ ...u, reportsOptOut: out.has(u.sub) }));
    },
  };
}

function attribute(user: UserType, name: string): string | undefined {
  const value = user.Attributes?.find((a) => a.Name === name)?.Value;
  return value === undefined || value === '' ? undefined : value;
}

/** Members of both admin groups of a Cognito user pool; disabled accounts are left out. */
export function cognitoAdminUsers(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
): AdminUserSource {
  return {
    async listAdminUsers() {
      // Loaded on first use (functions/shared/clients/lazy.ts): the report API functions read
      // preferences without the directory.
      const { ListUsersInGroupCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      const found: DirectoryUser[] = [];
      for (const group of adminGroups) {
        let token: string | undefined;
        do {
          const page = await client.send(
            new ListUsersInGroupCommand({
              UserPoolId: userPoolId,
              GroupName: group,
              Limit: 60,
              NextToken: token,
            }),
          );
          for (const user of page.Users ?? []) {
            if (user.Enabled === false) continue;
            const sub = attribute(user, 'sub') ?? user.Username;
            if (!sub) continue;
            found.push({
              sub,
              role: group,
              email: attribute(user, 'email'),
              name: attribute(user, 'name'),
              provinceCode: attribute(user, 'custom:province'),
              ministry: attribute(user, 'custom:ministry'),
            });
          }
          token = page.NextToken;
        } while (token);
      }
      return found;
    },
  };
}

/** gsi1 partition of the registered administrators' profiles (a sparse index: admins only). */
export const registeredAdminsPartition = 'ADMINS';

/**
 * The directory attributes of an admin's preferences item: its profile from the token and the gsi1
 * keys that list it. Nothing for a caller in no admin role.
 */
export function registeredAdminProfile(caller: Caller): Record<string, string> {
  const role = adminGroups.find((group) => (caller.roles as readonly string[]).includes(group));
  if (!role) return {};
  return {
    gsi1pk: registeredAdminsPartition,
    gsi1sk: caller.sub,
    role,
    ...(caller.email ? { email: caller.email } : {}),
    ...(caller.name ? { name: caller.name } : {}),
    ...(caller.provinceCode ? { provinceCode: caller.provinceCode } : {}),
    ...(caller.ministry ? { ministry: caller.ministry } : {}),
  };
}

/** The administrators who registered their profile (see registeredAdminProfile). */
export function registeredAdminUsers(documents: DynamoDBDocumentClient, tableName: string): AdminUserSource {
  return {
    async listAdminUsers() {
      const found: DirectoryUser[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': registeredAdminsPartition },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (!(adminGroups as readonly string[]).includes(String(item.role))) continue;
          found.push({
            sub: String(item.sub),
            role: item.role as AdminGroup,
            email: typeof item.email === 'string' ? item.email : undefined,
            name: typeof item.name === 'string' ? item.name : undefined,
            provinceCode: typeof item.provinceCode === 'string' ? item.provinceCode : undefined,
            ministry: typeof item.ministry === 'string' ? item.ministry : undefined,
          });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return found;
    },
  };
}

/** A declared dev user (infra/local/dev-users.ts), as handed to functions in DEV_USERS. */
export interface DevUser {
  sub: string;
  role: string;
  email?: string;
  name?: string;
  province?: string;
  ministry?: string;
}

export function localAdminUsers(users: readonly DevUser[]): AdminUserSource {
  return {
    async listAdminUsers() {
      return users.flatMap((u) =>
        (adminGroups as readonly string[]).includes(u.role)
          ? [
              {
                sub: u.sub,
                role: u.role as AdminGroup,
                email: u.email,
                name: u.name,
                provinceCode: u.province,
                ministry: u.ministry,
              },
            ]
          : [],
      );
    },
  };
}

export const reportPreferencesKey = keys.reportPreferences;

export function dynamoReportOptOuts(documents: DynamoDBDocumentClient, tableName: string): ReportOptOuts {
  return {
    async optedOut(subs) {
      const items = await batchGetAll(documents, tableName, subs.map(reportPreferencesKey), {
        projection: 'pk, reportsOptOut',
      });
      const out = new Set<string>();
      for (const item of items)
        if (item.reportsOptOut === true) out.add(String(item.pk).slice(prefixes.admin.length));
      return out;
    },
  };
}

/** Parses DEV_USERS (set by the local Lambda runtime); undefined when it is not set. */
export function devUsersFromEnv(env: NodeJS.ProcessEnv = process.env): DevUser[] | undefined {
  if (!env.DEV_USERS) return undefined;
  const parsed = JSON.parse(env.DEV_USERS) as unknown;
  if (!Array.isArray(parsed)) throw new Error('DEV_USERS must be a JSON array of dev users');
  return parsed as DevUser[];
}

/**
 * The source this function is configured for: Cognito when USER_POOL_ID is set (AWS), the registered
 * admins with USER_DIRECTORY=registered (AWS with an OIDC issuer), else the dev user list (local).
 * None: the declaration lacks `readsUserDirectory`.
 */
export async function configuredAdminUsers(env: NodeJS.ProcessEnv = process.env): Promise<AdminUserSource> {
  if (env.USER_DIRECTORY === 'registered') {
    const { documents } = await import('./clients/dynamodb.ts');
    const { config } = await import('./config.ts');
    return registeredAdminUsers(documents, config.tableName('core'));
  }
  if (env.USER_POOL_ID) {
    const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
    return cognitoAdminUsers(new CognitoIdentityProviderClient({}), env.USER_POOL_ID);
  }
  const dev = devUsersFromEnv(env);
  if (dev) return localAdminUsers(dev);
  throw new Error(
    'No user directory: set readsUserDirectory on this function in infra/resources (USER_POOL_ID), or run it in the local cloud (DEV_USERS)',
  );
}
