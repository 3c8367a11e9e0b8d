/**
 * DynamoDB adapter of mapping profiles: core `INST#<USCC>` / `MAPPING#<name>`, audit entries in the same
 * partition. A deleted profile is a tombstone (`deleted: true`, the next version, no content): read as
 * absent, its version continued by a profile created again under the name.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MappingProfile } from '../../schemas/mapping-profile.ts';
import { auditItem } from '../shared/audit.ts';
import { keys, prefixes } from '../shared/dynamo/keys.ts';
import { queryAll } from '../shared/dynamo/query.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact } from '../shared/dynamo/transact.ts';
import { type MappingProfileStore, maxProfilesPerInstitution } from './mapping-profiles.ts';

/** The profile as the domain sees it: no storage attributes, no account id (audit entries name who). */
function profileOf(item: Record<string, unknown>): MappingProfile {
  const { updatedBy: _, ...profile } = stripStorage<MappingProfile & { updatedBy?: string }>(item);
  return profile;
}

export function dynamoMappingProfileStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): MappingProfileStore {
  return {
    async get(uscc, name) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: keys.mappingProfile(uscc, name), ConsistentRead: true }),
      );
      return Item && Item.deleted !== true ? profileOf(Item) : undefined;
    },
    async deletedVersion(uscc, name) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.mappingProfile(uscc, name),
          ConsistentRead: true,
          ProjectionExpression: 'deleted, version',
        }),
      );
      return Item?.deleted === true ? Number(Item.version) : 0;
    },
    async list(uscc) {
      // Tombstones are filtered out; an institution keeps at most 50 profiles and its tombstones are
      // bounded by its deletes (one per name), so the read stays small.
      const { items } = await queryAll(
        documents,
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: 'attribute_not_exists(deleted)',
          ExpressionAttributeValues: { ':pk': keys.institutionPk(uscc), ':prefix': prefixes.mappingProfile },
        },
        maxProfilesPerInstitution + 1,
      );
      return items.slice(0, maxProfilesPerInstitution + 1).map(profileOf);
    },
    async save(profile, before, caller, at) {
      const key = keys.mappingProfile(profile.institutionUscc, profile.name);
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: { ...key, entity: 'mapping-profile', ...profile, updatedBy: caller.sub },
              ...(before
                ? {
                    ConditionExpression: 'version = :v',
                    ExpressionAttributeValues: { ':v': before.version },
                  }
                : profile.version > 1
                  ? {
                      // Created again under a deleted name: over its tombstone, at the version after it.
                      ConditionExpression: 'attribute_not_exists(pk) OR (deleted = :yes AND version = :prev)',
                      ExpressionAttributeValues: { ':yes': true, ':prev': profile.version - 1 },
                    }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                ...(before
                  ? { kind: 'updated' as const, before, replaces: true }
                  : { kind: 'created' as const }),
                pk: key.pk,
                action: before ? 'mappingProfile.updated' : 'mappingProfile.created',
                caller,
                at,
                after: profile,
                context: { profile: profile.name },
                version: profile.version,
              }),
            },
          },
        ],
        {
          what: `the mapping profile "${profile.name}" of ${profile.institutionUscc}`,
          conditionFailed: (failed) => (failed.includes(0) ? ('conflict' as const) : undefined),
        },
      );
      return outcome === 'committed' ? 'saved' : 'conflict';
    },
    async remove(before, caller, at) {
      const key = keys.mappingProfile(before.institutionUscc, before.name);
      const outcome = await transact(
        documents,
        [
          {
            // A tombstone at the next version, not a delete: the name's version sequence goes on.
            Put: {
              TableName: tableName,
              Item: {
                ...key,
                entity: 'mapping-profile',
                institutionUscc: before.institutionUscc,
                name: before.name,
                deleted: true,
                version: before.version + 1,
                deletedAt: at,
              },
              ConditionExpression: 'version = :v AND attribute_not_exists(deleted)',
              ExpressionAttributeValues: { ':v': before.version },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                // Every field removed: the entry keeps the profile as it was (its before-values).
                kind: 'updated',
                before,
                after: {},
                replaces: true,
                pk: key.pk,
                action: 'mappingProfile.deleted',
                caller,
                at,
                context: { profile: before.name },
                version: before.version + 1,
              }),
            },
          },
        ],
        {
          what: `the mapping profile "${before.name}" of ${before.institutionUscc}`,
          conditionFailed: (failed) => (failed.includes(0) ? ('conflict' as const) : undefined),
        },
      );
      return outcome === 'committed' ? 'deleted' : 'conflict';
    },
  };
}
