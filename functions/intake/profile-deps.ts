/**
 * Wires mapping profiles and previews to DynamoDB and S3, apart from ./intake-deps.ts (which carries
 * the market and evaluation writers and their settings): the profile and preview functions bundle this.
 */
import type { Readable } from 'node:stream';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { s3Sdk } from '../shared/clients/s3.ts';
import { config } from '../shared/config.ts';
import { dynamoMappingProfileStore } from './mapping-profile-store.ts';

export const profiles = () => dynamoMappingProfileStore(documents, config.tableName('core'));

/** The province of an institution: administrators read the profiles of their province's institutions. */
export function institutionProvince(): (uscc: string) => Promise<string | undefined> {
  const store = dynamoInstitutionStore(documents, config.tableName('core'));
  return async (uscc) => (await store.get(uscc))?.provinceCode;
}

/** The registered name of an institution (the preview shows co-owners as an import stores them). */
export function institutionName(): (uscc: string) => Promise<string | undefined> {
  const store = dynamoInstitutionStore(documents, config.tableName('core'));
  return async (uscc) => (await store.get(uscc))?.name;
}

/** The one object under a preview's prefix (inbox-preview/<USCC>/<previewId>/), if it was sent. */
export async function findObject(bucket: string, prefix: string) {
  const { sdk, client } = await s3Sdk();
  const { Contents } = await client.send(
    new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }),
  );
  const object = Contents?.[0];
  return object?.Key ? { key: object.Key, size: object.Size ?? 0 } : undefined;
}

export async function openObject(bucket: string, key: string): Promise<Readable> {
  const { sdk, client } = await s3Sdk();
  const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body as Readable;
}
