/** system-probe task: a put, a get and a delete of one small object. */
import { randomUUID } from 'node:crypto';
import { s3Sdk } from '../shared/clients/s3.ts';
import { config } from '../shared/config.ts';

export const handler = async () => {
  const Bucket = config.bucketName('reports');
  const Key = `tmp/probe/${randomUUID()}`;
  const started = Date.now();
  const body = `probe ${new Date().toISOString()}`;
  const { sdk, client } = await s3Sdk();
  await client.send(new sdk.PutObjectCommand({ Bucket, Key, Body: body, ContentType: 'text/plain' }));
  const object = await client.send(new sdk.GetObjectCommand({ Bucket, Key }));
  const read = await object.Body!.transformToString();
  await client.send(new sdk.DeleteObjectCommand({ Bucket, Key }));
  if (read !== body) throw new Error('probe object read back differs from what was written');
  return { component: 's3', ok: true, ms: Date.now() - started };
};
