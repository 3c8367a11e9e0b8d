/**
 * s3rver as the local S3, its buckets created from infra/resources.ts, and its object-created
 * events turned into the S3 notification events AWS would send (URL-encoded keys, a well-formed ARN).
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';

export interface LocalS3 {
  port: number;
  close(): Promise<void>;
  onObjectCreated(listener: (bucket: string, event: S3Event) => void): void;
  /** Lets s3rver accept requests signed with this access key id (a function's: infra/local/access.ts). */
  allowAccessKey(accessKeyId: string): void;
}

/** s3rver's one account: access key id and secret (any client of the local cloud may use them). */
export const localS3AccessKey = 'S3RVER';
export const localS3Secret = 'S3RVER';

/** s3rver knows one account (S3RVER); the functions' own keys are added to it. */
const s3rverAccounts = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
};

let sequence = 0;

/** What AWS puts in an S3 notification: keys URL-encoded with '+' for spaces, ARN without spaces. */
export function toAwsS3Event(raw: S3Event): S3Event {
  return {
    Records: raw.Records.map((record) => ({
      ...record,
      awsRegion: process.env.AWS_REGION ?? record.awsRegion,
      s3: {
        ...record.s3,
        bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
        object: {
          ...record.s3.object,
          key: encodeURIComponent(record.s3.object.key).replace(/%20/g, '+').replace(/%2F/g, '/'),
          sequencer: `${record.s3.object.sequencer}${String(++sequence).padStart(8, '0')}`,
        },
      },
    })),
  };
}

interface S3rverFiles {
  getResourcePath(bucket: string, key: string, resource: string): string;
}

/**
 * s3rver deletes an object's three files and then removes the directories its key left empty. A PUT
 * under the same prefix at that moment has made the directory and is opening its file: the open fails
 * with ENOENT as an unhandled stream error, and the whole local cloud exits (found by the fuzz suite:
 * concurrent deep health probes write and delete tmp/probe/<uuid> in the reports bucket). Empty
 * directories list as nothing (s3rver lists files), so they are simply left in place.
 */
export function keepDirectoriesOnDelete(server: S3rver): void {
  const store = (server as unknown as { store: S3rverFiles & { deleteObject: unknown } }).store;
  store.deleteObject = async (bucket: string, key: string) => {
    await Promise.all(
      ['object', 'object.md5', 'metadata.json'].map((resource) =>
        rm(store.getResourcePath(bucket, key, resource), { force: true }),
      ),
    );
  };
}

export async function startLocalS3(options: {
  port: number;
  directory: string;
  buckets: string[];
}): Promise<LocalS3> {
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    port: options.port,
    address: '127.0.0.1',
    silent: true,
    directory: options.directory,
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  keepDirectoriesOnDelete(server);
  await server.run();
  const listeners: Array<(bucket: string, event: S3Event) => void> = [];
  (server as unknown as import('node:events').EventEmitter).on('event', (raw: S3Event) => {
    const event = toAwsS3Event(raw);
    const record = event.Records[0];
    if (!record?.eventName.startsWith('ObjectCreated:')) return;
    for (const listener of listeners) listener(record.s3.bucket.name, event);
  });
  return {
    port: options.port,
    close: () => server.close(),
    onObjectCreated: (listener) => listeners.push(listener),
    allowAccessKey: (accessKeyId) => s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(accessKeyId, localS3Secret),
  };
}
