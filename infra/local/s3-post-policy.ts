/**
 * S3 POST Object with a signed policy (browser-based uploads), checked locally as S3 checks it.
 * s3rver accepts form uploads but ignores the policy ("unimplemented"): without this check a presigned
 * POST would accept any size, type and key locally, a local cloud more permissive than AWS. The gate
 * (infra/local/access.ts) calls `checkPostPolicy` on every multipart POST to a bucket and answers a
 * refusal with S3's own error codes and messages:
 * - no policy or signature: 403 AccessDenied (the drop bucket is not public-write);
 * - a signature that is not the policy's (an edited policy): 403 SignatureDoesNotMatch;
 * - an expired policy: 403 AccessDenied "Invalid according to Policy: Policy expired.";
 * - a condition that does not hold: 403 AccessDenied "Invalid according to Policy: Policy Condition failed: [...]";
 * - a form field no condition names: 403 AccessDenied "... Extra input fields: ...";
 * - a file outside content-length-range: 400 EntityTooLarge / EntityTooSmall.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface PostForm {
  /** The form fields before the file, in order (names as sent). */
  fields: Array<[string, string]>;
  /** The file's size in bytes; undefined when the form has no `file` field. */
  fileSize: number | undefined;
}

export interface PostRefusal {
  status: 400 | 403;
  code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'EntityTooLarge' | 'EntityTooSmall' | 'InvalidArgument';
  message: string;
}

export interface AcceptedPost {
  key: string;
  accessKeyId: string;
}

/** Fields every form may carry without a condition (AWS: the signature, the policy, the file, x-ignore-*). */
const exempt = (name: string) =>
  name === 'x-amz-signature' || name === 'policy' || name === 'file' || name.startsWith('x-ignore-');

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4 over the base64 policy: HMAC chain AWS4<secret> -> date -> region -> s3 -> aws4_request. */
export function policySignature(secret: string, credential: string, policyBase64: string): string {
  const [, date = '', region = '', service = ''] = credential.split('/');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return hmac(signingKey, policyBase64).toString('hex');
}

const denied = (message: string): PostRefusal => ({ status: 403, code: 'AccessDenied', message });

export function checkPostPolicy(
  bucket: string,
  form: PostForm,
  options: { now: Date; secretOf: (accessKeyId: string) => string | undefined },
): PostRefusal | AcceptedPost {
  const values = new Map<string, string>();
  for (const [name, value] of form.fields) {
    const lower = name.toLowerCase();
    if (!values.has(lower)) values.set(lower, value);
  }
  const key = values.get('key');
  if (key === undefined || key === '')
    return {
      status: 400,
      code: 'InvalidArgument',
      message:
        "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
    };
  if (form.fileSize === undefined)
    return {
      status: 400,
      code: 'InvalidArgument',
      message: 'POST requires exactly one file upload per request.',
    };
  const policyBase64 = values.get('policy');
  const signature = values.get('x-amz-signature');
  const credential = values.get('x-amz-credential');
  if (!policyBase64 || !signature || !credential || values.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256')
    return denied('Access Denied');
  const accessKeyId = credential.split('/')[0] ?? '';
  const secret = options.secretOf(accessKeyId);
  if (secret === undefined) return denied('Access Denied');
  const expected = Buffer.from(policySignature(secret, credential, policyBase64));
  const given = Buffer.from(signature.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    };
  let policy: { expiration?: string; conditions?: unknown[] };
  try {
    policy = JSON.parse(Buffer.from(policyBase64, 'base64').toString('utf8'));
  } catch {
    return denied('Invalid Policy: Invalid JSON.');
  }
  const expiration = Date.parse(String(policy.expiration ?? ''));
  if (!Number.isFinite(expiration)) return denied('Invalid Policy: Policy missing expiration.');
  if (expiration <= options.now.getTime()) return denied('Invalid according to Policy: Policy expired.');
  if (!Array.isArray(policy.conditions)) return denied('Invalid Policy: Policy missing conditions.');

  const named = new Set<string>();
  const fieldValue = (field: string) =>
    field.toLowerCase() === 'bucket' ? bucket : values.get(field.toLowerCase());
  const failed = (condition: unknown) =>
    denied(`Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);
  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      const [operator, field, expectedValue] = condition as [unknown, unknown, unknown];
      if (operator === 'content-length-range') {
        const [min, max] = [Number(field), Number(expectedValue)];
        if (form.fileSize > max)
          return {
            status: 400,
            code: 'EntityTooLarge',
            message: `Your proposed upload exceeds the maximum allowed size (proposed ${form.fileSize}, at most ${max}).`,
          };
        if (form.fileSize < min)
          return {
            status: 400,
            code: 'EntityTooSmall',
            message: `Your proposed upload is smaller than the minimum allowed size (proposed ${form.fileSize}, at least ${min}).`,
          };
        continue;
      }
      if (typeof field !== 'string' || !field.startsWith('$') || typeof expectedValue !== 'string')
        return denied(`Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`);
      const name = field.slice(1).toLowerCase();
      named.add(name);
      const actual = fieldValue(name) ?? '';
      const holds =
        operator === 'eq'
          ? actual === expectedValue
          : operator === 'starts-with'
            ? actual.startsWith(expectedValue)
            : undefined;
      if (holds === undefined)
        return denied(`Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`);
      if (!holds) return failed(condition);
    } else if (condition && typeof condition === 'object') {
      for (const [field, expectedValue] of Object.entries(condition)) {
        named.add(field.toLowerCase());
        if (fieldValue(field) !== expectedValue) return failed(condition);
      }
    } else {
      return denied(`Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`);
    }
  }
  const extra = [...values.keys()].filter((name) => !exempt(name) && !named.has(name));
  if (extra.length) return denied(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  return { key, accessKeyId };
}

/** Reads a multipart/form-data body as S3 does: the fields up to the first `file`, and that file's size. */
export async function readPostForm(contentType: string, body: Buffer): Promise<PostForm> {
  const data = await new Request('http://local/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(body),
  }).formData();
  const fields: Array<[string, string]> = [];
  for (const [name, value] of data.entries()) {
    if (name === 'file')
      return { fields, fileSize: typeof value === 'string' ? Buffer.byteLength(value) : value.size };
    fields.push([name, typeof value === 'string' ? value : '']);
  }
  return { fields, fileSize: undefined };
}
