/**
 * Wires mapping profiles and previews to DynamoDB and S3, apart from ./intake-deps.ts (which carries
 * the market and evaluation writers and their settings): the profile and preview functions bundle this.
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { documents } from '../shared/clients/dynamodb.ts';
import { s3 } from '../shared/clients/s3.ts';
import { config } from '../shared/config.ts';
import { dynamoMappingProfileStore } from './mapping-profile-store.ts';

export const profiles = () => dynamoMappingProfileStore(documents, config.tableName('core'));

/** The one object under a preview's prefix (inbox-preview/<USCC>/<previewId>/), if it was sent. */
export async function findObject(bucket: string, prefix: string) {
  const { Contents } = await s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }),
  );
  const object = Contents?.[0];
  return object?.Key ? { key: object.Key, size: object.Size ?? 0 } : undefined;
}

export async function openObject(bucket: string, key: string): Promise<Readable> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body as Readable;
}
