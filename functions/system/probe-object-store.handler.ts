/** system-probe task: a put, a get and a delete of one small object. */
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from '../shared/clients/s3.ts';
import { config } from '../shared/config.ts';

export const handler = async () => {
  const Bucket = config.bucketName('reports');
  const Key = `tmp/probe/${randomUUID()}`;
  const started = Date.now();
  const body = `probe ${new Date().toISOString()}`;
  await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: 'text/plain' }));
  const object = await s3.send(new GetObjectCommand({ Bucket, Key }));
  const read = await object.Body!.transformToString();
  await s3.send(new DeleteObjectCommand({ Bucket, Key }));
  if (read !== body) throw new Error('probe object read back differs from what was written');
  return { component: 's3', ok: true, ms: Date.now() - started };
};
