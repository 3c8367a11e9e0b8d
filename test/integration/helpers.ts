import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';

export { postUpload } from '../../infra/local/post-upload.ts';

export const cloud = () => inject('cloud');
export const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const tableName = (name: string) => `patents-local-${name}`;
export const bucketName = (name: string) => `patents-local-${name}`;

export function clients() {
  const { endpoints } = cloud();
  const dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
  return {
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    s3: new S3Client({
      endpoint: endpoints.s3,
      region: 'us-east-1',
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
    sfn: new SFNClient({
      endpoint: endpoints.stepFunctions,
      region: 'us-east-1',
      credentials,
      disableHostPrefix: true,
    }),
  };
}

export async function token(role: string, extra: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${cloud().controlUrl}/_local/token`, {
    method: 'POST',
    body: JSON.stringify({ role, ...extra }),
  });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export async function api(
  path: string,
  options: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${cloud().apiUrl}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in the tests
  return { status: response.status, headers: response.headers, json: json as Record<string, any>, text };
}

/** Polls until check returns a value (not undefined) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
