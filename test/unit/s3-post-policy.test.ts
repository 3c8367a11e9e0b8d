/**
 * Uploads go through a presigned POST whose policy binds key, content type and size (issue 11,
 * defect 9a). s3rver ignores POST policies, so the local S3 gate checks them as S3 does: each refusal
 * here is one S3 makes (a 5 GB file to a presigned PUT was accepted before).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Gate, functionAccessKey } from '../../infra/local/access.ts';
import { checkPostPolicy, policySignature, readPostForm } from '../../infra/local/s3-post-policy.ts';
import type { FunctionName } from '../../infra/resources.ts';

const bucket = 'patents-local-drop';
const key = 'inbox/12100000400000624D/0123456789abcdef01234567/盘点.csv';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stands in for s3rver: records what the gate forwards. */
let forwarded: Array<{ url: string; bytes: number }> = [];
let upstream: Server;
let gate: Server;
let gateUrl: string;
beforeAll(async () => {
  upstream = createServer((req: IncomingMessage, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      forwarded.push({ url: req.url ?? '', bytes });
      res.writeHead(204);
      res.end();
    });
  });
  gate = createS3Gate({
    target: await listen(upstream),
    logicalBucket: (physical) => physical.replace(/^patents-local-/, '') as never,
    secretOf: () => 'S3RVER',
  });
  gateUrl = await listen(gate);
});
afterAll(() => {
  gate.close();
  upstream.close();
});
beforeEach(() => {
  forwarded = [];
});

const clientOf = (fn: FunctionName) =>
  new S3Client({
    endpoint: gateUrl,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: functionAccessKey(fn), secretAccessKey: 'S3RVER' },
  });

async function presign(options: { fn?: FunctionName; maxBytes?: number; expires?: number } = {}) {
  return createPresignedPost(clientOf(options.fn ?? 'createUpload'), {
    Bucket: bucket,
    Key: key,
    Conditions: [
      ['content-length-range', 0, options.maxBytes ?? 64],
      ['eq', '$Content-Type', 'text/csv'],
    ],
    Fields: { 'Content-Type': 'text/csv' },
    Expires: options.expires ?? 900,
  });
}

async function post(url: string, fields: Record<string, string>, file: Buffer | undefined) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('file', new Blob([new Uint8Array(file)]), 'x.csv');
  const response = await fetch(url, { method: 'POST', body: form });
  return { status: response.status, text: await response.text() };
}

describe('the local S3 gate checks presigned POST policies as S3 does', () => {
  it('a form within the policy reaches S3', async () => {
    const { url, fields } = await presign();
    expect(url).toBe(`${gateUrl}/${bucket}`);
    const answer = await post(url, fields, Buffer.from('申请号\n1\n'));
    expect(answer.status).toBe(204);
    expect(forwarded).toHaveLength(1);
  });

  it('a file larger than content-length-range is EntityTooLarge and never stored', async () => {
    const { url, fields } = await presign({ maxBytes: 64 });
    const answer = await post(url, fields, Buffer.alloc(65));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('<Code>EntityTooLarge</Code>');
    expect(forwarded).toHaveLength(0);
  });

  it('another Content-Type, another key or an extra field is refused by the policy', async () => {
    const { url, fields } = await presign();
    const html = await post(url, { ...fields, 'Content-Type': 'text/html' }, Buffer.from('x'));
    expect(html.status).toBe(403);
    expect(html.text).toContain('Policy Condition failed');
    const elsewhere = await post(
      url,
      { ...fields, key: 'inbox/12100000400000624D/other-job/x.csv' },
      Buffer.from('x'),
    );
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.text).toContain('Policy Condition failed');
    const extra = await post(url, { ...fields, 'x-amz-meta-owner': 'someone' }, Buffer.from('x'));
    expect(extra.status).toBe(403);
    expect(extra.text).toContain('Extra input fields: x-amz-meta-owner');
    expect(forwarded).toHaveLength(0);
  });

  it('an edited policy (a larger range) does not match its signature', async () => {
    const { url, fields } = await presign({ maxBytes: 64 });
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8'));
    policy.conditions[0] = ['content-length-range', 0, 5 * 1024 ** 3];
    const edited = Buffer.from(JSON.stringify(policy)).toString('base64');
    const answer = await post(url, { ...fields, Policy: edited }, Buffer.alloc(100));
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(forwarded).toHaveLength(0);
  });

  it('a form without policy or signature is AccessDenied (the bucket is not public-write)', async () => {
    const answer = await post(`${gateUrl}/${bucket}`, { key, 'Content-Type': 'text/csv' }, Buffer.from('x'));
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('<Code>AccessDenied</Code>');
    expect(forwarded).toHaveLength(0);
  });

  it('a policy signed by a function without write access to the bucket is refused', async () => {
    const { url, fields } = await presign({ fn: 'listReports' });
    const answer = await post(url, fields, Buffer.from('x'));
    expect(answer.status).toBe(403);
    expect(forwarded).toHaveLength(0);
  });

  it('an expired policy is refused', async () => {
    const { fields } = await presign({ expires: 60 });
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    body.append('file', new Blob(['x']), 'x.csv');
    const request = new Request('http://x/', { method: 'POST', body });
    const form = await readPostForm(
      request.headers.get('content-type')!,
      Buffer.from(await request.arrayBuffer()),
    );
    const secretOf = () => 'S3RVER';
    expect(checkPostPolicy(bucket, form, { now: new Date(), secretOf })).toEqual({
      key,
      accessKeyId: functionAccessKey('createUpload'),
    });
    expect(checkPostPolicy(bucket, form, { now: new Date(Date.now() + 61_000), secretOf })).toMatchObject({
      status: 403,
      message: 'Invalid according to Policy: Policy expired.',
    });
  });

  it('signs as SigV4 does (the SDK signature verifies)', async () => {
    const { fields } = await presign();
    expect(policySignature('S3RVER', fields['X-Amz-Credential']!, fields.Policy!)).toBe(
      fields['X-Amz-Signature'],
    );
  });
});
