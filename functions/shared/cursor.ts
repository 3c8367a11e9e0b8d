/**
 * Opaque pagination cursors for every list route: the last evaluated key (base64url JSON) and an
 * HMAC-SHA256 over that encoding and the listing it belongs to (the route plus every scope and
 * filter of the query, chosen by the caller of encodeCursor). A cursor is therefore accepted only
 * exactly as this system issued it, for the same query: a forged or edited key never reaches
 * DynamoDB (where a malformed ExclusiveStartKey was a 500, and a well-formed foreign one could
 * start a page inside another tenant's partition). Anything else is 400 INVALID_CURSOR.
 *
 * The key is at least 32 bytes. On AWS it is a Secrets Manager secret of the stateful stack, read
 * once per cold start (`loadCursorSigningKey`, called by the HTTP chain of every route that takes a
 * cursor: env CURSOR_SIGNING_SECRET_ARN); locally and in tests it comes from env CURSOR_SIGNING_KEY.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from './errors.ts';

type Key = Record<string, unknown>;

export const minimumKeyBytes = 32;

export class InvalidCursorError extends DomainError {
  readonly statusCode = 400;
  readonly code = 'INVALID_CURSOR';
  constructor(what = 'listing') {
    super(
      `This cursor was not issued for this ${what} (it was changed, or it belongs to another query): request the first page again without "cursor", with the same filters.`,
      [{ in: 'query', field: 'cursor', message: 'invalid cursor: restart from the first page' }],
    );
  }
}

let signingKey: Buffer | undefined;
let loading: Promise<void> | undefined;

function checkedKey(secret: string, source: string): Buffer {
  const key = Buffer.from(secret, 'utf8');
  if (key.length < minimumKeyBytes)
    throw new Error(
      `The cursor signing key from ${source} has ${key.length} bytes; at least ${minimumKeyBytes} are needed.`,
    );
  return key;
}

/** Sets the key (tests, and the loader below). */
export function setCursorSigningKey(secret: string): void {
  signingKey = checkedKey(secret, 'setCursorSigningKey');
}

export type SecretReader = (secretId: string) => Promise<string | undefined>;

const readSecretFromSecretsManager: SecretReader = async (secretId) => {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const { SecretString } = await new SecretsManagerClient({}).send(
    new GetSecretValueCommand({ SecretId: secretId }),
  );
  return SecretString;
};

/**
 * Loads the key once per process (cold start): from the secret named by CURSOR_SIGNING_SECRET_ARN,
 * else from CURSOR_SIGNING_KEY. A failed load is retried by the next request.
 */
export function loadCursorSigningKey(
  env: Record<string, string | undefined> = process.env,
  readSecret: SecretReader = readSecretFromSecretsManager,
): Promise<void> {
  if (signingKey) return Promise.resolve();
  loading ??= (async () => {
    const secretId = env.CURSOR_SIGNING_SECRET_ARN;
    if (secretId) {
      const secret = await readSecret(secretId);
      if (!secret) throw new Error(`The cursor signing secret ${secretId} holds no string.`);
      signingKey = checkedKey(secret, secretId);
    } else signingKey = keyFromEnv(env);
  })().finally(() => {
    loading = undefined;
  });
  return loading;
}

function keyFromEnv(env: Record<string, string | undefined> = process.env): Buffer {
  const secret = env.CURSOR_SIGNING_KEY;
  if (!secret)
    throw new Error(
      'No cursor signing key: set CURSOR_SIGNING_SECRET_ARN (AWS, done by the stack for every function that lists) or CURSOR_SIGNING_KEY.',
    );
  return checkedKey(secret, 'CURSOR_SIGNING_KEY');
}

function currentKey(): Buffer {
  return signingKey ?? keyFromEnv();
}

function mac(listing: string, payload: string): Buffer {
  return createHmac('sha256', currentKey()).update(listing).update('\n').update(payload).digest();
}

export function encodeCursor(listing: string, lastKey: Key | undefined): string | undefined {
  if (!lastKey) return undefined;
  const payload = Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
  return `${payload}.${mac(listing, payload).toString('base64url')}`;
}

/** The key a cursor carries, if this system issued it for `listing`; else InvalidCursorError (400). */
export function decodeCursor(listing: string, cursor: string | undefined, what?: string): Key | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const dot = cursor.lastIndexOf('.');
  if (dot > 0) {
    const payload = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = mac(listing, payload);
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      try {
        const key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
        if (key && typeof key === 'object' && !Array.isArray(key)) return key as Key;
      } catch {
        // a signed payload always parses; fall through to the error
      }
    }
  }
  throw new InvalidCursorError(what);
}

/**
 * A key for another purpose derived from the same server-side secret (HMAC-SHA256 of `purpose` under
 * it): e.g. the spot-check sample key (functions/monitoring/monitoring.ts). Domain-separated, so a
 * value of one purpose never serves another; loaded like the cursor key (Secrets Manager in AWS, env
 * CURSOR_SIGNING_KEY locally). Operators who can read the secret reproduce what it drew.
 */
export async function derivedKey(
  purpose: string,
  env: Record<string, string | undefined> = process.env,
  readSecret?: SecretReader,
): Promise<Buffer> {
  await loadCursorSigningKey(env, readSecret);
  return createHmac('sha256', currentKey()).update(purpose).digest();
}
