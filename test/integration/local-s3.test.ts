/**
 * The local S3 (s3rver) under concurrent writes and deletes in one prefix: before, a delete removed
 * the directory a concurrent PUT had just made, the PUT's file open failed as an unhandled stream
 * error and the whole local cloud exited (found by the fuzz suite through concurrent deep health
 * probes). The race itself is too narrow to hit on demand; the test pins its cause: a delete leaves
 * the prefix folder. Runs its own s3rver on a free port and folder.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.ts';
import { type LocalS3, startLocalS3 } from '../../infra/local/s3-local.ts';
import { credentials } from './helpers.ts';

let s3: LocalS3;
let client: S3Client;
const directory = mkdtempSync(join(tmpdir(), 'local-s3-race-'));
const Bucket = 'race';

beforeAll(async () => {
  s3 = await startLocalS3({ port: await freePort(), directory, buckets: [Bucket] });
  client = new S3Client({
    endpoint: `http://127.0.0.1:${s3.port}`,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  await s3?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('local S3: a delete leaves its prefix directory for the writes racing it', () => {
  it('deleting the last object of a prefix keeps the folder a concurrent PUT may be opening its file in', async () => {
    const Key = 'tmp/probe/only';
    await client.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    await client.send(new DeleteObjectCommand({ Bucket, Key }));
    // s3rver used to rmdir tmp/probe here: a PUT between its mkdir and its open then crashed the cloud.
    expect(existsSync(join(directory, Bucket, 'tmp', 'probe'))).toBe(true);
    const left = await client.send(new ListObjectsV2Command({ Bucket, Prefix: 'tmp/' }));
    expect(left.Contents ?? []).toEqual([]);
    await expect(client.send(new GetObjectCommand({ Bucket, Key }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });
});
